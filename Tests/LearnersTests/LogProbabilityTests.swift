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

    /// An action on the box's edge (a_net = ±1, atanh = ∞) is finite: its u is u* = ±max(9.010913, ±μ)
    /// (the most likely u that rounds to the edge) and its tanh correction −log(10⁻⁶) = 13.815511, checked
    /// by hand from the actor's raw output. Beyond the bound counts as the bound.
    func testSACActionOnTheBoundIsFinite() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [8], seed: 5)
        let observation: [Float] = [0.1, -0.2, 0.3]
        let edge = sac.logProbabilities(observations: observation, actions: [2, 10.5])[0]
        XCTAssertTrue(edge.isFinite)
        XCTAssertEqual(edge, sac.logProbabilities(observations: observation, actions: [2.5, 10.5])[0], "beyond the bound is the bound")
        let raw = sac.actor(Matrix(rows: 1, columns: 3, values: observation)).values  // [μ₁ μ₂ | ℓ₁ ℓ₂]
        let halfLogTwoPi = 0.5 * log(2 * Double.pi)
        let l1 = Double(raw[2]), l2 = Double(raw[3])
        let z1 = (max(9.010913, Double(raw[0])) - Double(raw[0])) / exp(l1)       // a₁ = +1 (env 2)
        let z2 = (0 - Double(raw[1])) / exp(l2)                                     // a₂ = 0 (env 10.5)
        let expected = (-0.5 * z1 * z1 - l1 - halfLogTwoPi + 13.815511) + (-0.5 * z2 * z2 - l2 - halfLogTwoPi - log(1 + 1e-6))
            - log(2.0) - log(0.5)                                                   // action-scale Jacobians
        XCTAssertEqual(Double(edge), expected, accuracy: 1e-4 * max(1, abs(expected)))
    }

    /// Issue 15: the sampled path (`sample`) and the logged-action path (`logProbabilities`) give the same
    /// log π at the policy's own samples, saturated ones included (|u| > 10 forced by means of ±12 … ±30).
    /// Where every coordinate of a row is saturated the two are equal to Float rounding of the row's sum;
    /// elsewhere they differ only by the rounding of a = tanh u to Float, whose effect on u is at most
    /// δu = 2·2⁻²⁴/(1 − a²) (atanh's conditioning), bounded per coordinate by |z|δu/σ + ½(δu/σ)².
    func testSampledAndLoggedPathsAgreeIncludingSaturatedSamples() {
        let actionSize = 3, rows = 600
        let head = SquashedGaussianHead(actionSize: actionSize)
        var generator = SeededGenerator(seed: 21)
        let means: [Float] = [0.4, -2, 12, -12, 20, -30, 9.5, 15]
        var raw = [Float](repeating: 0, count: rows * 2 * actionSize)
        for r in 0..<rows {
            for j in 0..<actionSize {
                raw[r * 2 * actionSize + j] = means[generator.nextIndex(below: means.count)]
                raw[r * 2 * actionSize + actionSize + j] = generator.nextFloat(in: -2, 1)
            }
        }
        head.sample(raw: raw, rows: rows, using: &generator)
        let actions = Array(UnsafeBufferPointer(start: head.actions.base, count: rows * actionSize))
        var logged = [Float](repeating: 0, count: rows)
        head.logProbabilities(raw: raw, actions: actions, rows: rows, into: &logged)
        var saturatedRows = 0, saturatedBeyondTen = 0
        for r in 0..<rows {
            let sampled = head.logProbabilities.base[r]
            var tolerance = 2e-6 * Double(max(1, abs(sampled)))
            var allSaturated = true
            for j in 0..<actionSize {
                let i = r * actionSize + j
                let a = Double(actions[i])
                let l = Double(raw[r * 2 * actionSize + actionSize + j]), sigma = exp(l)
                let u = Double(raw[r * 2 * actionSize + j]) + sigma * Double(head.noise.base[i])
                if abs(a) == 1 {
                    if abs(u) > 10 { saturatedBeyondTen += 1 }
                    continue
                }
                allSaturated = false
                let deltaU = 2 * 0x1p-24 / (1 - a * a), z = Double(head.noise.base[i])
                tolerance += abs(z) * deltaU / sigma + 0.5 * pow(deltaU / sigma, 2)
            }
            if allSaturated {
                saturatedRows += 1
                XCTAssertEqual(logged[r], sampled, accuracy: Float(2e-6) * max(1, abs(sampled)), "row \(r), saturated")
            } else {
                XCTAssertEqual(Double(logged[r]), Double(sampled), accuracy: tolerance, "row \(r)")
            }
            XCTAssertTrue(sampled.isFinite && logged[r].isFinite, "row \(r)")
        }
        XCTAssertGreaterThan(saturatedRows, 50)
        XCTAssertGreaterThan(saturatedBeyondTen, 500)
    }

    /// The same agreement through SAC's public paths (`act` and `logProbabilities(observations:actions:)`,
    /// environment units) with the actor's output biases forcing μ = +30 and −14: every sample saturates.
    func testSACLogProbabilityAtSaturatedSamplesEqualsActs() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [8, 8], seed: 13)
        let last = sac.actor.layers[sac.actor.layers.count - 1]
        sac.actor.parameters.base[last.biasOffset] = 30
        sac.actor.parameters.base[last.biasOffset + 1] = -14
        var generator = SeededGenerator(seed: 14)
        var observations: [Float] = [], actions: [Float] = [], reported: [Float] = []
        for _ in 0..<100 {
            let observation = (0..<3).map { _ in 0.1 * Float(generator.nextGaussian()) }
            let chosen = sac.act(on: observation, deterministic: false, using: &generator)
            XCTAssertEqual(chosen.action, [2, 10])
            observations += observation; actions += chosen.action; reported.append(chosen.logProbability)
        }
        let recomputed = sac.logProbabilities(observations: observations, actions: actions)
        for i in reported.indices {
            XCTAssertTrue(reported[i].isFinite)
            XCTAssertEqual(recomputed[i], reported[i], accuracy: 1e-5 * max(1, abs(reported[i])), "row \(i)")
        }
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
