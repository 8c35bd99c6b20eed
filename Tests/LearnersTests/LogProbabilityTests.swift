import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// log π(a|s) at logged actions (`SAC+LogProbability`, `TD3+LogProbability`): it agrees with what `act`
/// reports at its own samples, and its gradients pass finite-difference checks.
final class LogProbabilityTests: XCTestCase {
    let low: [Float] = [-2, 10], high: [Float] = [2, 11]

    /// At actions `act` sampled, log π recomputed from the environment-unit action equals `act`'s value.
    func testSACLogProbabilityAtSampledActionsEqualsActs() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [8, 8], seed: 3)
        var generator = SeededGenerator(seed: 4)
        var observations: [Float] = [], actions: [Float] = [], reported: [Float] = []
        for _ in 0..<200 {
            let observation = (0..<3).map { _ in Float(generator.nextGaussian()) }
            let chosen = sac.act(on: observation, deterministic: false, using: &generator)
            observations += observation; actions += chosen.action; reported.append(chosen.logProbability)
        }
        let recomputed = sac.logProbabilities(observations: observations, actions: actions)
        var worst: Float = 0
        for i in reported.indices {
            XCTAssertEqual(recomputed[i], reported[i], accuracy: 2e-3 * max(1, abs(reported[i])), "row \(i)")
            worst = max(worst, abs(recomputed[i] - reported[i]))
        }
        print("SAC log π at act's samples: largest difference \(worst) over 200 rows")
    }

    /// An action on the box's edge (atanh = ∞) is clamped to 1 − 10⁻⁶: finite, and about 13.1 per
    /// clamped coordinate above the density just inside.
    func testSACActionOnTheBoundIsFinite() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [8], seed: 5)
        let observation: [Float] = [0.1, -0.2, 0.3]
        let edge = sac.logProbabilities(observations: observation, actions: [2, 10.5])[0]
        XCTAssertTrue(edge.isFinite)
        XCTAssertEqual(edge, sac.logProbabilities(observations: observation, actions: [2.5, 10.5])[0], "beyond the bound is clamped the same")
    }

    /// ∂/∂[μ | ℓ] of Σ w log π(a|s) at fixed actions, including a row whose ℓ is clamped (zero gradient).
    func testSquashedGaussianLogProbabilityGradient() {
        let head = SquashedGaussianHead(actionSize: 2)
        var generator = SeededGenerator(seed: 6)
        let rows = 5
        var raw = (0..<(rows * 4)).map { _ in Float(generator.nextGaussian()) * 0.7 }
        raw[4 * 3 + 2] = -25  // row 3, first ℓ: below the clamp
        let actions = (0..<(rows * 2)).map { _ in generator.nextFloat(in: -0.95, 0.95) }
        let weights: [Float] = [0.5, -1, 2, 0.3, 1.5]
        var analytic = [Float](repeating: 0, count: raw.count)
        head.logProbabilityGradient(raw: raw, actions: actions, rows: rows, weights: weights, into: &analytic)
        XCTAssertEqual(analytic[4 * 3 + 2], 0)
        let numerical = raw.withUnsafeMutableBufferPointer { r in
            FiniteDifference.gradient(of: r.baseAddress!, count: r.count, step: 1e-2) {
                var logp = [Float](repeating: 0, count: rows)
                head.logProbabilities(raw: r.baseAddress!, actions: actions, rows: rows, into: &logp)
                return zip(logp, weights).reduce(0) { $0 + Double($1.0 * $1.1) }
            }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "squashed Gaussian log π w.r.t. [μ | ℓ]")
    }

    /// ∇_θ Σ w log π(a|s) through SAC's actor, at logged environment-unit actions.
    func testSACLogProbabilityGradientThroughTheActor() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [6, 5], activation: .tanh, seed: 7)
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 8)
        let weights: [Float] = [1, -0.5, 0.25, 2, -1, 0.7]
        sac.actor.zeroGradients()
        _ = sac.addLogProbabilityGradient(observations: batch.observations, actions: batch.actions, weights: weights)
        let analytic = sac.actor.gradients.values
        let numerical = FiniteDifference.gradient(of: sac.actor.parameters.base, count: sac.actor.parameterCount, step: 3e-2) {
            zip(sac.logProbabilities(observations: batch.observations, actions: batch.actions), weights).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "SAC Σ w log π w.r.t. the actor")
    }

    /// TD3's π is N(μ(s), σ²) in network units; with σ = the exploration noise it is the density `act`
    /// reports for unclipped exploration actions. σ defaults to the target smoothing noise.
    func testTD3LogProbabilityIsTheSmoothingGaussian() throws {
        let td3 = try TestLearners.td3(observationSize: 3, low: low, high: high, hidden: [8], seed: 9)
        var generator = SeededGenerator(seed: 10)
        var compared = 0
        for _ in 0..<100 {
            let observation = (0..<3).map { _ in Float(generator.nextGaussian()) }
            let chosen = td3.act(on: observation, deterministic: false, using: &generator)
            guard chosen.logProbability.isFinite else { continue }  // clipped: no density
            let recomputed = try td3.logProbabilities(observations: observation, actions: chosen.action,
                                                      standardDeviation: td3.config.explorationNoise)
            XCTAssertEqual(recomputed[0], chosen.logProbability, accuracy: 1e-3 * max(1, abs(chosen.logProbability)))
            compared += 1
        }
        XCTAssertGreaterThan(compared, 50)
        // Default σ = 0.2, checked by hand at one action.
        let observation: [Float] = [0.3, -0.1, 0.8]
        let mean = td3.act(on: observation, deterministic: true, using: &generator).action
        let action: [Float] = [mean[0] + 0.1, mean[1] - 0.05]
        var expected = 0.0
        for j in 0..<2 {
            let scale = Double(high[j] - low[j]) / 2
            let z = Double(action[j] - mean[j]) / scale / 0.2
            expected += -0.5 * z * z - log(0.2) - 0.5 * log(2 * Double.pi) - log(scale)
        }
        XCTAssertEqual(Double(try td3.logProbabilities(observations: observation, actions: action)[0]), expected, accuracy: 1e-3)
    }

    func testTD3LogProbabilityGradientAndDDPGNeedsASigma() throws {
        let td3 = try TestLearners.td3(observationSize: 3, low: low, high: high, hidden: [6, 5], activation: .tanh, seed: 11)
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 12)
        let weights: [Float] = [0.3, -1, 0.5, 1, -0.2, 0.8]
        td3.actor.zeroGradients()
        _ = try td3.addLogProbabilityGradient(observations: batch.observations, actions: batch.actions, weights: weights)
        let analytic = td3.actor.gradients.values
        let numerical = FiniteDifference.gradient(of: td3.actor.parameters.base, count: td3.actor.parameterCount, step: 3e-2) {
            let logp = try! td3.logProbabilities(observations: batch.observations, actions: batch.actions)
            return zip(logp, weights).reduce(0) { $0 + Double($1.0 * $1.1) }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "TD3 Σ w log π w.r.t. the actor")

        let ddpg = try TestLearners.ddpg(observationSize: 3, low: low, high: high, seed: 13)
        XCTAssertThrowsError(try ddpg.logProbabilities(observations: [0, 0, 0], actions: [0, 10.5]))
        XCTAssertTrue(try ddpg.logProbabilities(observations: [0, 0, 0], actions: [0, 10.5], standardDeviation: 0.1)[0].isFinite)
    }
}
