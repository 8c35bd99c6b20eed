import Datasets
import Foundation
import Learners
import NeuralNetwork
import OffPolicyEvaluation
import Randomness
import TestSupport
import XCTest

final class FittedQEvaluationTests: XCTestCase {
    /// A small SAC whose stochastic policy is the target (its actions do not matter to the rewards below).
    private func policy(observationSize: Int) throws -> any Learner {
        var config = SACConfig()
        config.common.hiddenSizes = [8]
        var generator = SeededGenerator(seed: 5)
        return try config.makeLearner(observationSize: observationSize, actionLow: [-1], actionHigh: [1], generator: &generator)
    }

    /// L(θ) = mean (Q_θ(s, a) − y)² w.r.t. every parameter of the Q-network, by finite differences (tanh
    /// hidden layers keep the loss smooth; ReLU's kinks are checked in NeuralNetworkTests).
    func testLossGradientMatchesFiniteDifferences() {
        var config = FQEConfig()
        config.hiddenSizes = [6, 5]
        config.activation = .tanh
        var generator = SeededGenerator(seed: 1)
        let fqe = FittedQEvaluation(observationSize: 2, actionSize: 1, discount: 0.9, config: config, generator: &generator)
        let inputs = (0..<18).map { _ in generator.nextFloat(in: -1, 1) }
        let targets = (0..<6).map { _ in generator.nextFloat(in: -2, 2) }
        fqe.lossAndGradient(inputs: inputs, targets: targets)
        let analytic = fqe.network.gradients.values
        let numerical = FiniteDifference.gradient(of: fqe.network.parameters.base, count: fqe.network.parameterCount, step: 3e-2) {
            fqe.lossAndGradient(inputs: inputs, targets: targets)
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "FQE regression loss")
    }

    /// y = r + γ (1 − terminated) Q̄(s', a'): the target network's value, cut only at termination.
    func testBellmanTargetsBootstrapUnlessTerminated() {
        var generator = SeededGenerator(seed: 2)
        let fqe = FittedQEvaluation(observationSize: 2, actionSize: 1, discount: 0.9, config: FQEConfig(), generator: &generator)
        let next: [Float] = [0.1, -0.2, 0.3, 0.5, 0.4, -0.6]
        let values = next.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: fqe.target.forward($0.baseAddress!, rows: 2), count: 2)) }
        let targets = fqe.bellmanTargets(rewards: [1, 2], terminated: [false, true], nextInputs: next)
        XCTAssertEqual(targets[0], Float(1 + 0.9 * Double(values[0])), accuracy: 1e-6)
        XCTAssertEqual(targets[1], 2)
        XCTAssertNotEqual(values[0], 0)
    }

    /// The range: rewards in [−1, 2] with γ = 0.5 allow values in [−2, 4]; positive rewards alone still allow 0
    /// (a termination at once), negative ones alone the same above; no range for γ = 1 or no rewards.
    func testValueRangeOfTheRewards() {
        XCTAssertEqual(FittedQEvaluation.valueRange(rewards: [-1, 0.5, 2], discount: 0.5), -2...4)
        XCTAssertEqual(FittedQEvaluation.valueRange(rewards: [1, 3], discount: 0.9)?.lowerBound, 0)
        XCTAssertEqual(FittedQEvaluation.valueRange(rewards: [1, 3], discount: 0.9)?.upperBound ?? 0, 30, accuracy: 1e-9)
        XCTAssertEqual(FittedQEvaluation.valueRange(rewards: [-4, -1], discount: 0.75), -16...0)
        XCTAssertNil(FittedQEvaluation.valueRange(rewards: [1], discount: 1))
        XCTAssertNil(FittedQEvaluation.valueRange(rewards: [], discount: 0.9))
    }

    /// With a range, Q̄(s', a') enters y clamped: a target network whose output bias is moved to +50 gives
    /// y = r + γ · 4 with the range [−2, 4], and −50 gives r + γ · (−2); values read from the fit are clamped
    /// too. Without the range the same network gives r + γ Q̄ unclamped.
    func testValuesAreClampedIntoTheRange() {
        var generator = SeededGenerator(seed: 6)
        let fqe = FittedQEvaluation(observationSize: 2, actionSize: 1, discount: 0.5, config: FQEConfig(), generator: &generator)
        let next: [Float] = [0.1, -0.2, 0.3]
        let bias = fqe.target.parameterCount - 1, networkBias = fqe.network.parameterCount - 1
        fqe.target.parameters.base[bias] += 50
        let raw = next.withUnsafeBufferPointer { Double(fqe.target.forward($0.baseAddress!, rows: 1)[0]) }
        XCTAssertGreaterThan(raw, 40)
        XCTAssertEqual(fqe.bellmanTargets(rewards: [1], terminated: [false], nextInputs: next)[0], Float(1 + 0.5 * raw), accuracy: 1e-4)
        fqe.valueRange = -2...4
        XCTAssertEqual(fqe.bellmanTargets(rewards: [1], terminated: [false], nextInputs: next)[0], 3)
        fqe.target.parameters.base[bias] -= 100
        XCTAssertEqual(fqe.bellmanTargets(rewards: [1], terminated: [false], nextInputs: next)[0], 0)
        fqe.network.parameters.base[networkBias] -= 50
        XCTAssertEqual(fqe.actionValues(observations: [0.1, -0.2], actions: [0.3]), [-2])
        fqe.network.parameters.base[networkBias] += 100
        XCTAssertEqual(fqe.actionValues(observations: [0.1, -0.2], actions: [0.3]), [4])
    }

    /// Settings written before the clip existed decode as unclipped; new ones keep it.
    func testSettingsWithoutTheClipReadAsUnclipped() throws {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(FQEConfig())) as! [String: Any]
        XCTAssertEqual(old["clipsToRewardRange"] as? Bool, true)
        old.removeValue(forKey: "clipsToRewardRange")
        let decoded = try JSONDecoder().decode(FQEConfig.self, from: JSONSerialization.data(withJSONObject: old))
        XCTAssertFalse(decoded.clipsToRewardRange)
        XCTAssertEqual(decoded.updates, FQEConfig().updates)
        XCTAssertTrue(try JSONDecoder().decode(FQEConfig.self, from: JSONEncoder().encode(FQEConfig())).clipsToRewardRange)
    }

    /// A chain with a known Q: s = 0 → 1 pays 1; s = 1 → 2 pays 2 and is cut by a time limit (truncated);
    /// s = 2 pays 3 and terminates. With γ = 0.9, Q(2) = 3, Q(1) = 2 + 0.9 · 3 = 4.7 (bootstrapped through the
    /// truncation), Q(0) = 1 + 0.9 · 4.7 = 5.23 (treating the time limit as termination would give 2 and 2.8).
    /// FQE's fit lies within 0.1 of each.
    func testFitsTheQOfAChainThroughTruncation() throws {
        var generator = SeededGenerator(seed: 3)
        var observations: [Float] = [], actions: [Float] = [], rewards: [Float] = [], next: [Float] = []
        var terminals: [Bool] = [], timeouts: [Bool] = []
        for _ in 0..<40 {
            for (state, reward, terminal, timeout) in [(Float(0), Float(1), false, false), (1, 2, false, true), (2, 3, true, false)] {
                observations.append(state)
                actions.append(generator.nextFloat(in: -1, 1))
                rewards.append(reward)
                next.append(min(state + 1, 2))
                terminals.append(terminal)
                timeouts.append(timeout)
            }
        }
        let dataset = LoggedDataset(format: .store, observationSize: 1, actionSize: 1, observations: observations, actions: actions,
                                    rewards: rewards, nextObservations: next, terminals: terminals, timeouts: timeouts, behaviorLogProbabilities: nil)
        var config = FQEConfig()
        config.hiddenSizes = [32, 32]
        config.learningRate = 3e-3
        config.batchSize = 32
        config.targetUpdateInterval = 50
        config.updates = 3000
        var initial = SeededGenerator(seed: 4)
        let fqe = FittedQEvaluation(observationSize: 1, actionSize: 1, discount: 0.9, config: config, generator: &initial)
        let target = TargetPolicy(try policy(observationSize: 1), deterministic: false)
        fqe.fit(dataset.transitions(firstEpisodeID: 0).batch, policy: target, using: &generator)
        let values = fqe.stateValues(observations: [0, 1, 2], policy: target, using: &generator)
        for (value, truth) in zip(values, [5.23, 4.7, 3]) {
            XCTAssertEqual(value, truth, accuracy: 0.1, "V̂ \(values) against Q 5.23, 4.7, 3")
        }
    }
}
