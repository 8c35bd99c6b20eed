import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// IQL's losses by hand and by finite differences, its weights and its schedule.
final class IQLTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]

    private func iql(edit: (inout IQLConfig) -> Void = { _ in }) throws -> IQL {
        var config = TestLearners.config(IQLConfig.self, hidden: [6, 5], batch: 6, activation: .tanh)
        edit(&config)
        var generator = SeededGenerator(seed: 1)
        return try IQL(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    /// u = (2, −1, ½), τ = 0.7: weights (0.7, 0.3, 0.7), L = (0.7·4 + 0.3·1 + 0.7·¼)/3 = 3.275/3,
    /// ∂L/∂u = 2 w u / 3 = (2.8/3, −0.6/3, 0.7/3); u = 0 takes τ.
    func testExpectileLossByHand() {
        var u: [Float] = [2, -1, 0.5, 0]
        var gradient = [Float](repeating: .nan, count: 4)
        let loss = ExpectileLoss.evaluate(differences: &u, count: 3, expectile: 0.7, gradient: &gradient)
        XCTAssertEqual(loss, 3.275 / 3, accuracy: 1e-7)
        XCTAssertEqual(gradient[0], 2.8 / 3, accuracy: 1e-6)
        XCTAssertEqual(gradient[1], -0.6 / 3, accuracy: 1e-6)
        XCTAssertEqual(gradient[2], 0.7 / 3, accuracy: 1e-6)
        XCTAssertTrue(gradient[3].isNaN, "only `count` differences are read and written")
        var zero: [Float] = [0, 1]
        XCTAssertEqual(ExpectileLoss.evaluate(differences: &zero, count: 2, expectile: 0.9, gradient: &gradient), 0.45, accuracy: 1e-7)
    }

    func testExpectileLossGradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 3)
        let u = FloatBuffer((0..<12).map { _ in Float(generator.nextGaussian()) * 2 })
        let gradient = FloatBuffer(count: 12), scratch = FloatBuffer(count: 12)
        ExpectileLoss.evaluate(differences: u.base, count: 12, expectile: 0.7, gradient: gradient.base)
        // Away from the kink at 0 (|u| > 4 steps).
        XCTAssertTrue(u.values.allSatisfy { abs($0) > 4e-2 })
        let numerical = FiniteDifference.gradient(of: u.base, count: 12, step: 1e-2) {
            ExpectileLoss.evaluate(differences: u.base, count: 12, expectile: 0.7, gradient: scratch.base)
        }
        FiniteDifference.assertMatch(analytic: gradient.values, numerical: numerical, "expectile loss")
    }

    /// exp(3 A) for A = (0, 1, −1, 2, 1.5): 1, e³, e⁻³, e⁶ ≈ 403 → 100 (clipped), e^4.5 ≈ 90.0 (not clipped).
    func testAdvantageWeightsByHandWithTheClip() {
        var advantages: [Float] = [0, 1, -1, 2, 1.5]
        var weights = [Float](repeating: 0, count: 5)
        let clipped = AdvantageWeights.compute(advantages: &advantages, count: 5, beta: 3, maxWeight: 100, into: &weights)
        XCTAssertEqual(clipped, 1)
        XCTAssertEqual(weights[0], 1)
        XCTAssertEqual(weights[1], 20.085537, accuracy: 1e-4)
        XCTAssertEqual(weights[2], 0.049787068, accuracy: 1e-7)
        XCTAssertEqual(weights[3], 100)
        XCTAssertEqual(weights[4], 90.01713, accuracy: 1e-3)
        var nan: [Float] = [.nan]
        AdvantageWeights.compute(advantages: &nan, count: 1, beta: 3, maxWeight: 100, into: &weights)
        XCTAssertTrue(weights[0].isNaN, "a NaN advantage is not hidden by the clip")
    }

    /// L_V = mean L₂^τ(Q̄(s, a) − V(s)) w.r.t. V's parameters, Q̄ held fixed.
    func testValueLossGradientMatchesFiniteDifferences() throws {
        let learner = try iql()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 5)
        learner.stage(batch)
        learner.critics.targetMinimum(learner.inputs.current.base, rows: 6, into: learner.targetValues.base)
        // Spread Q̄ so that both sides of the expectile are present.
        for i in 0..<6 { learner.targetValues.base[i] += i % 2 == 0 ? 1 : -1 }
        learner.value.zeroGradients()
        _ = learner.valueLossAndGradient(batch)
        let analytic = learner.value.gradients.values
        let numerical = FiniteDifference.gradient(of: learner.value.parameters.base, count: learner.value.parameterCount, step: 3e-2) {
            learner.valueLossAndGradient(batch)
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "IQL value")
    }

    /// L_π = −mean w log π(a|s) at the logged actions w.r.t. the actor, the weights held fixed.
    func testWeightedActorLossGradientMatchesFiniteDifferences() throws {
        let learner = try iql()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 6)
        learner.stage(batch)
        learner.critics.targetMinimum(learner.inputs.current.base, rows: 6, into: learner.targetValues.base)
        for i in 0..<6 { learner.targetValues.base[i] += Float(i) * 0.4 }
        _ = learner.advantageWeights(batch)
        XCTAssertGreaterThan(Set(learner.weights.values.prefix(6)).count, 4, "the rows must weigh differently")
        learner.actor.zeroGradients()
        let loss = learner.actorLossAndGradient(batch)
        let analytic = learner.actor.gradients.values
        // The loss by its definition, from the head's log-density at the logged actions.
        let raw = batch.observations.withUnsafeBufferPointer { learner.actor.forward($0.baseAddress!, rows: 6) }
        var logp = [Float](repeating: 0, count: 6)
        learner.head.logProbabilities(raw: raw, actions: learner.inputs.networkActions, rows: 6, into: &logp)
        let expected = -(0..<6).reduce(0.0) { $0 + Double(learner.weights.base[$1]) * Double(logp[$1]) } / 6
        XCTAssertEqual(loss, expected, accuracy: 1e-6 * abs(expected))
        let numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
            learner.actorLossAndGradient(batch)
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "IQL actor")
    }

    /// The critics' targets are r + γ (1 − terminated) V(s'): row 0 of the test batch is terminated, row 1 truncated.
    func testCriticTargetsBootstrapFromTheValueOfTheNextState() throws {
        let learner = try iql()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 7)
        learner.stage(batch)
        learner.valueTargets(batch)
        let next = Matrix(rows: 6, columns: 3, values: batch.nextObservations)
        let v = learner.value(next).values
        XCTAssertEqual(learner.targets.base[0], batch.rewards[0], "terminated: no bootstrap")
        for i in 1..<6 { XCTAssertEqual(learner.targets.base[i], batch.rewards[i] + 0.99 * v[i], accuracy: 1e-5, "row \(i)") }
    }

    /// lr(t) = lr₀ ½ (1 + cos(π min(t, T)/T)); the learner reports the rate of each actor step.
    func testActorLearningRateFollowsTheCosineSchedule() throws {
        let decay = CosineDecay(steps: 4)
        XCTAssertEqual(decay.learningRate(initial: 3e-4, afterSteps: 0), 3e-4)
        XCTAssertEqual(decay.learningRate(initial: 3e-4, afterSteps: 1), 3e-4 * 0.5 * (1 + cos(Double.pi / 4)), accuracy: 1e-15)
        XCTAssertEqual(decay.learningRate(initial: 3e-4, afterSteps: 2), 1.5e-4, accuracy: 1e-15)
        XCTAssertEqual(decay.learningRate(initial: 3e-4, afterSteps: 4), 0, accuracy: 1e-15)
        XCTAssertEqual(decay.learningRate(initial: 3e-4, afterSteps: 9), 0, accuracy: 1e-15)
        let learner = try iql { $0.actorDecay = CosineDecay(steps: 4) }
        var generator = SeededGenerator(seed: 8)
        let rates = (0..<3).map { i -> Double in
            learner.update(on: TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: UInt64(10 + i)), using: &generator)["actor_lr"]!
        }
        XCTAssertEqual(rates.map { Float($0) }, (0..<3).map { Float(decay.learningRate(initial: 3e-4, afterSteps: $0)) })
        let constant = try iql { $0.actorDecay = nil }
        XCTAssertEqual(constant.update(on: TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 20), using: &generator)["actor_lr"], 3e-4)
    }

    /// The defaults the documentation cites.
    func testDefaultsAreThePapersLocomotionSettings() {
        let config = IQLConfig()
        XCTAssertEqual(config.expectile, 0.7)
        XCTAssertEqual(config.beta, 3)
        XCTAssertEqual(config.maxWeight, 100)
        XCTAssertEqual(config.actorDecay, CosineDecay(steps: 1_000_000))
        XCTAssertEqual(config.common, CommonHyperparameters(hiddenSizes: [256, 256], learningRate: 3e-4, batchSize: 256, discount: 0.99, tau: 0.005))
    }

    func testOptionsSetTheConfig() throws {
        let applied = try IQLConfig().applying(arguments: ["--expectile", "0.9", "--beta", "10", "--max-weight", "50", "--actor-decay", "0"])
        let config = try XCTUnwrap(applied as? IQLConfig)
        XCTAssertEqual(config.expectile, 0.9)
        XCTAssertEqual(config.beta, 10)
        XCTAssertEqual(config.maxWeight, 50)
        XCTAssertNil(config.actorDecay)
        XCTAssertThrowsError(try IQLConfig().applying(arguments: ["--expectile", "1.5"])) { error in
            XCTAssertEqual("\(error)", "invalid learner configuration: --expectile must lie in [0, 1], got 1.5")
        }
    }
}
