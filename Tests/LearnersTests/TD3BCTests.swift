import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// TD3+BC: the actor loss with its behavior-cloning term, λ, and the observation standardisation.
final class TD3BCTests: XCTestCase {
    private let low: [Float] = [-2, -1], high: [Float] = [2, 3]

    func testActorLossGradientMatchesFiniteDifferences() throws {
        let learner = try TestLearners.td3bc(low: low, high: high, hidden: [6, 5], batch: 6, activation: .tanh, seed: 3)
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 4)
        learner.stage(batch)
        let first = learner.actorLossAndGradient(batch)
        XCTAssertNotNil(first.behaviorCloning)
        let analytic = learner.actor.gradients.values
        let alpha = learner.config.behaviorCloningWeight!
        // λ = α / mean |Q₁(s, μ(s))|.
        let q = learner.critics.critics[0].forward(learner.inputs.policy.base, rows: 6)
        let meanAbsolute = (0..<6).reduce(0.0) { $0 + Double(abs(q[$1])) } / 6
        XCTAssertEqual(first.behaviorCloning!.lambda, alpha / meanAbsolute, accuracy: 1e-6 * alpha / meanAbsolute)
        // λ is held constant in the loss (the authors detach it): differentiate with λ fixed at its value.
        let numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
            let loss = learner.actorLossAndGradient(batch)
            // loss = −λ' mean Q + bc with λ' recomputed; rescale the Q term to the first λ.
            let qTerm = loss.loss - loss.behaviorCloning!.loss
            return qTerm * first.behaviorCloning!.lambda / loss.behaviorCloning!.lambda + loss.behaviorCloning!.loss
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "TD3+BC actor")
    }

    /// The behavior-cloning term is mean_{b,j} (μ(s) − a)² in [−1, 1] units (d3rlpy's), worked out here from
    /// the actor's tanh outputs and the logged actions mapped by hand from the box [−2, 2] × [−1, 3]:
    /// a' = (a − centre) / half-range, centre (0, 1), half-range (2, 2). In environment units it would be 4×.
    func testBehaviorCloningTermIsInUnitBoxUnits() throws {
        let learner = try TestLearners.td3bc(low: low, high: high, hidden: [6, 5], batch: 6, activation: .tanh, seed: 8)
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 9)
        learner.stage(batch)
        let loss = learner.actorLossAndGradient(batch)
        let mu = learner.actor.forward(learner.observations.base, rows: 6)
        let centre: [Float] = [0, 1], halfRange: [Float] = [2, 2]
        var expected = 0.0
        for row in 0..<6 {
            for j in 0..<2 {
                let logged = (batch.actions[row * 2 + j] - centre[j]) / halfRange[j]
                let difference = Double(mu[row * 2 + j]) - Double(logged)
                expected += difference * difference
            }
        }
        expected /= 12
        let term = try XCTUnwrap(loss.behaviorCloning).loss
        XCTAssertEqual(term, expected, accuracy: 1e-6 * max(expected, 1e-3))
        XCTAssertGreaterThan(expected, 0.01, "the actor is not at the logged actions yet")
    }

    func testObservationsAreStandardisedWithTheDatasetStatistics() throws {
        let data = TestData.batch(rows: 500, observationSize: 3, low: low, high: high, seed: 5)
        let config = TD3BCConfig().fitted(to: data)
        let normalization = try XCTUnwrap(config.observationNormalization)
        for j in 0..<3 {
            let column = stride(from: j, to: data.observations.count, by: 3).map { Double(data.observations[$0]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let std = (column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(column.count)).squareRoot()
            XCTAssertEqual(Double(normalization.mean[j]), mean, accuracy: 1e-5)
            XCTAssertEqual(Double(normalization.standardDeviation[j]), std, accuracy: 1e-5)
        }
        XCTAssertEqual(normalization.apply([normalization.mean[0], 0, 0])[0], 0, "the mean maps to 0")

        // The learner acts on standardised observations: the same as a plain TD3 actor fed them by hand.
        var generator = SeededGenerator(seed: 6)
        let learner = try config.makeLearner(observationSize: 3, actionLow: low, actionHigh: high, generator: &generator) as! TD3
        let observation: [Float] = [0.4, -1.2, 2.0]
        let acted = learner.act(on: observation, deterministic: true, using: &generator).action
        let manual = learner.actor(Matrix(rows: 1, columns: 3, values: normalization.apply(observation))).values
        XCTAssertEqual(acted[0], 2 * manual[0], accuracy: 1e-5)
        XCTAssertEqual(learner.metricNames, ["critic_loss", "actor_loss", "bc_loss", "lambda"])

        // The policy file keeps the statistics as information (the standardisation is folded into mu.0).
        let file = try TestData.temporaryDirectory().appendingPathComponent("policy.safetensors")
        try learner.savePolicy(to: file)
        let metadata = try Safetensors.read(from: file).metadata
        XCTAssertEqual(metadata["algorithm"], "td3bc")
        XCTAssertNotNil(metadata["observation_mean"])
        XCTAssertNotNil(metadata["observation_std"])
    }
}
