import XCTest
import Randomness
@testable import Learners
import Transitions

/// Each reinforcement learner solves a one-step task: reward −(a − 1)² for an action a in [−2, 2], every
/// episode terminated after one step. The greedy action must move from wherever it starts to about 1.
/// (The offline learners are held to their data elsewhere: `BehaviorCloningTests`, `TD3BCTests`.)
final class LearningTests: XCTestCase {
    private func data(count: Int) -> TransitionBatch {
        var generator = SeededGenerator(seed: 11)
        var batch = TransitionBatch(observationSize: 1, actionSize: 1, reservingCapacity: count)
        for i in 0..<count {
            let action = generator.nextFloat(in: -2, 2)
            batch.append(observation: [0.5], action: [action], reward: -(action - 1) * (action - 1), nextObservation: [0.5],
                         terminated: true, truncated: false, episodeID: UInt64(i), stepIndex: 0)
        }
        return batch
    }

    private func minibatch(from data: TransitionBatch, size: Int, using generator: inout SeededGenerator) -> TransitionBatch {
        var batch = TransitionBatch(observationSize: 1, actionSize: 1, reservingCapacity: size)
        for _ in 0..<size {
            let i = generator.nextIndex(below: data.count)
            batch.append(observation: [data.observations[i]], action: [data.actions[i]], reward: data.rewards[i],
                         nextObservation: [data.nextObservations[i]], terminated: true, truncated: false, episodeID: 0, stepIndex: 0)
        }
        return batch
    }

    private func train(_ learner: any Learner, updates: Int) -> Float {
        let all = data(count: 512)
        var generator = SeededGenerator(seed: 12)
        for _ in 0..<updates { _ = learner.update(on: minibatch(from: all, size: 32, using: &generator), using: &generator) }
        return learner.act(on: [0.5], deterministic: true, using: &generator).action[0]
    }

    func testEachLearnerFindsTheBestAction() throws {
        var generator = SeededGenerator(seed: 13)
        var learners: [(String, any Learner)] = []
        for name in ["sac", "td3", "ddpg"] {
            var configuration = LearnerConfiguration.defaults(for: name)!
            configuration.common.hiddenSizes = [24, 24]
            configuration.common.learningRate = 3e-3
            learners.append((name, try configuration.makeLearner(observationSize: 1, actionLow: [-2], actionHigh: [2], generator: &generator)))
        }
        for (name, learner) in learners {
            let action = train(learner, updates: 700)
            XCTAssertEqual(action, 1, accuracy: 0.2, "\(name) ends at \(action)")
        }
    }
}
