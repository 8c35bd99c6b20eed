import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// Behavior cloning: the losses' gradients, and that each policy class recovers the behavior that
/// produced the data.
final class BehaviorCloningTests: XCTestCase {
    private let low: [Float] = [-2, 0], high: [Float] = [2, 4]

    private func learner(_ policy: BCConfig.Policy, hidden: [Int] = [6, 5], activation: Activation = .tanh,
                         learningRate: Double = 1e-3, seed: UInt64 = 1) throws -> BehaviorCloning {
        var config = BCConfig()
        config.common.hiddenSizes = hidden
        config.common.activation = activation
        config.common.learningRate = learningRate
        config.policy = policy
        var generator = SeededGenerator(seed: seed)
        return try BehaviorCloning(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    func testLossGradientsMatchFiniteDifferences() throws {
        for policy in [BCConfig.Policy.gaussian, .deterministic] {
            let bc = try learner(policy)
            let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 2)
            bc.stage(batch)
            _ = bc.lossAndGradient(batch)
            let analytic = bc.actor.gradients.values
            let numerical = FiniteDifference.gradient(of: bc.actor.parameters.base, count: bc.actor.parameterCount, step: 3e-2) {
                bc.lossAndGradient(batch)
            }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "BC \(policy)")
        }
    }

    /// The Gaussian loss is −log π(a|s) exactly: a hand-computed row.
    func testGaussianLossIsTheNegativeLogDensityOfTheLoggedAction() throws {
        var config = BCConfig()
        config.common.hiddenSizes = [4]
        var generator = SeededGenerator(seed: 1)
        let bc = try BehaviorCloning(observationSize: 1, actionLow: [-1], actionHigh: [1], config: config, generator: &generator)
        let raw: [Float] = [0.3, -0.5]  // μ, log σ for one action component
        let action: [Float] = [0.6]
        var gradient = [Float](repeating: 0, count: 2)
        var batch = TransitionBatch(observationSize: 1, actionSize: 1, reservingCapacity: 1)
        batch.append(observation: [0], action: action, reward: 0, nextObservation: [0], terminated: true, truncated: false,
                     episodeID: 0, stepIndex: 0)
        bc.stage(batch)
        let loss = bc.gaussianNegativeLogLikelihood(raw: raw, actions: action, rows: 1, gradient: &gradient)
        let u = atanh(0.6), sigma = exp(-0.5)
        let expected = 0.5 * pow((u - 0.3) / sigma, 2) + log(sigma) + 0.5 * log(2 * Double.pi) + log(1 - 0.36 + 1e-6)  // SB3's form (issue 15)
        XCTAssertEqual(loss, expected, accuracy: 1e-5)
        XCTAssertEqual(Double(gradient[0]), -(u - 0.3) / (sigma * sigma), accuracy: 1e-5, "∂L/∂μ")
        XCTAssertEqual(Double(gradient[1]), 1 - pow((u - 0.3) / sigma, 2), accuracy: 1e-5, "∂L/∂ℓ")
    }

    /// Data from a known behavior: a = tanh(0.8·s₀ + 0.2 + 0.3·ε) in network units (first component).
    private func behaviorData(count: Int, seed: UInt64) -> TransitionBatch {
        var generator = SeededGenerator(seed: seed)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, reservingCapacity: count)
        let scale = try! ActionScale(low: low, high: high)
        for i in 0..<count {
            let s = (0..<3).map { _ in generator.nextFloat(in: -1, 1) }
            let network: [Float] = [tanh(0.8 * s[0] + 0.2 + 0.3 * Float(generator.nextGaussian())), tanh(-0.5 * s[1])]
            var action = [Float](repeating: 0, count: 2)
            scale.toEnvironment(network, into: &action)
            batch.append(observation: s, action: action, reward: 0, nextObservation: s, terminated: true, truncated: false,
                         episodeID: UInt64(i), stepIndex: 0)
        }
        return batch
    }

    func testEachPolicyRecoversTheBehavior() throws {
        let data = behaviorData(count: 4096, seed: 3)
        for policy in [BCConfig.Policy.gaussian, .deterministic] {
            let bc = try learner(policy, hidden: [64, 64], activation: .relu, learningRate: 3e-3, seed: 4)
            var generator = SeededGenerator(seed: 5)
            for _ in 0..<1500 {
                var batch = TransitionBatch(observationSize: 3, actionSize: 2, reservingCapacity: 128)
                let rows = (0..<128).map { _ in generator.nextIndex(below: data.count) }
                for row in rows { batch.appendRows(of: data, row..<(row + 1)) }
                _ = bc.update(on: batch, using: &generator)
            }
            // The mode at a few states: tanh(0.8 s₀ + 0.2) and tanh(−0.5 s₁) (the Gaussian's mode is tanh of its mean).
            for s0 in [Float(-0.8), 0, 0.7] {
                let action = bc.act(on: [s0, 0.5, 0], deterministic: true, using: &generator).action
                let expected0 = 2 * tanh(0.8 * s0 + 0.2), expected1: Float = 2 + 2 * tanh(-0.25)
                XCTAssertEqual(action[0], expected0, accuracy: 0.15, "\(policy) at s₀ = \(s0)")
                XCTAssertEqual(action[1], expected1, accuracy: 0.15, "\(policy) at s₀ = \(s0)")
            }
            if policy == .gaussian {  // σ of the first component ≈ 0.3 (pre-squash)
                let raw = bc.actor(Matrix(rows: 1, columns: 3, values: [0, 0.5, 0])).values
                XCTAssertEqual(Double(Foundation.exp(raw[2])), 0.3, accuracy: 0.06, "the learned spread")
            }
        }
    }
}
