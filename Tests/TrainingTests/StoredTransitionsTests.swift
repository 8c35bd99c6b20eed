import Environments
import Foundation
import Randomness
import ReplayStore
import XCTest
import RunFiles
@testable import Training
import TrainingRuns
import Transitions

/// What the loop writes into the replay store: one transition per step, exactly as the environment
/// produced it, with warm-up log-probabilities, and terminated / truncated kept apart with the true
/// final observation.
final class StoredTransitionsTests: XCTestCase {
    /// Every live transition of `store` as a one-row batch, by episode id and then step index, read
    /// back from a uniform sample far larger than the store (for 450 transitions, 20,000 draws miss one
    /// with probability about 1e-17, and the seed fixes the draw). Copies of one transition must agree.
    private func transitionsByEpisodeAndStep(in store: ReplayStore) throws -> [UInt64: [UInt32: TransitionBatch]] {
        var generator = SeededGenerator(seed: 1)
        let batch = try store.sample(batchSize: 20_000, using: &generator)
        var transitions: [UInt64: [UInt32: TransitionBatch]] = [:]
        for row in 0..<batch.count {
            let episode = batch.episodeIDs[row], step = batch.stepIndices[row]
            let transition = batch.rows(row..<(row + 1))
            if let earlier = transitions[episode]?[step] {
                XCTAssertTrue(earlier == transition, "two different transitions claim episode \(episode) step \(step)")
            }
            transitions[episode, default: [:]][step] = transition
        }
        return transitions
    }

    func testStoredTransitionsAreWhatReplayingTheirActionsProduces() throws {
        let directory = try TemporaryDirectory("stored")
        defer { directory.remove() }
        // 450 Pendulum steps: two episodes truncated at the 200-step limit, then 50 steps of a third
        // (Pendulum never terminates, so every stored `terminated` must be false, as the replay says).
        // The first `learningStarts` (100) steps act uniformly at random, the rest with SAC's policy.
        let config = SmallRuns.sac(steps: 450, seed: 3, evaluationInterval: 450, evaluationEpisodes: 1)
        let episodeLengths = [200, 200, 50]
        let loop = try TrainingRun.startSession(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.episodes, 2, "two finished episodes")
        XCTAssertEqual(loop.updates, 450 - config.learningStarts, "one update per step after warm-up")

        let store = try ReplayStore.open(at: directory.appending("replay").path)
        XCTAssertEqual(store.transitionCount, 450, "one transition per environment step, nothing else")
        let stored = try transitionsByEpisodeAndStep(in: store)
        XCTAssertEqual(stored.keys.sorted(), [0, 1, 2], "episode ids count the episodes from 0")
        for (episode, length) in episodeLengths.enumerated() {
            XCTAssertEqual(stored[UInt64(episode)]?.keys.sorted(), (0..<UInt32(length)).map { $0 },
                           "step indices of episode \(episode) run from 0 without gaps")
        }

        // Replay the run: the same environment, seeded as the loop seeds it (`TrainingRun.makeEnvironment`, then
        // `reset(seed:)` for the first episode and `reset()` for the next ones, continuing its stream),
        // fed the stored actions. Every stored field must be what the replay produces, bit for bit.
        var environment = try TrainingRun.makeEnvironment(named: config.environment)
        var observation = environment.reset(seed: config.seed)
        let warmUpLogProbability = Float(-log(4.0))  // uniform on [−2, 2]
        var globalStep = 0
        for (episode, length) in episodeLengths.enumerated() {
            for step in 0..<length {
                let place = "episode \(episode) step \(step)"
                let transition = try XCTUnwrap(stored[UInt64(episode)]?[UInt32(step)], place)
                XCTAssertEqual(transition.observations, observation, "observation, \(place)")
                XCTAssertEqual(transition.sources, [.online], place)
                let action = transition.actions
                XCTAssertTrue(environment.actionSpace.contains(action), "the stored action is the one applied (inside the box), \(place)")
                if globalStep < config.learningStarts {
                    XCTAssertEqual(transition.behaviorLogProbabilities, [warmUpLogProbability], "warm-up density, \(place)")
                } else {
                    let logProbability = transition.behaviorLogProbabilities[0]
                    XCTAssertTrue(logProbability.isFinite && logProbability != warmUpLogProbability, "SAC's log-density, \(place): \(logProbability)")
                }

                let result = environment.step(action)
                XCTAssertEqual(transition.rewards, [Float(result.reward)], "reward, \(place)")
                XCTAssertEqual(transition.nextObservations, result.observation, "next observation, \(place)")
                XCTAssertEqual(transition.terminated, [result.terminated], "terminated, \(place)")
                XCTAssertEqual(transition.truncated, [result.truncated], "truncated, \(place)")
                XCTAssertEqual(result.truncated, step == 199, "the time limit ends the episode, \(place)")
                globalStep += 1

                if result.truncated {
                    // The truncated transition keeps the true final observation (checked above against
                    // the replay), not the first observation of the next episode.
                    observation = environment.reset()
                    XCTAssertNotEqual(transition.nextObservations, observation, "final observation, not the reset one, \(place)")
                } else {
                    observation = result.observation
                }
            }
        }
    }

    func testWarmUpActionsAreUniformOverTheActionBox() throws {
        let directory = try TemporaryDirectory("warmup")
        defer { directory.remove() }
        var config = SmallRuns.sac(steps: 2000, seed: 4, evaluationInterval: 2000, evaluationEpisodes: 1)
        config.learningStarts = 2000  // all warm-up: no updates, no policy actions
        let loop = try TrainingRun.startSession(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.updates, 0)
        let store = try ReplayStore.open(at: directory.appending("replay").path)
        var generator = SeededGenerator(seed: 2)
        let batch = try store.sample(batchSize: 4000, using: &generator)
        XCTAssertEqual(Set(batch.behaviorLogProbabilities), [Float(-log(4.0))], "every action has the uniform density on [−2, 2]")
        let actions = batch.actions
        XCTAssertTrue(actions.allSatisfy { (-2...2).contains($0) })
        let mean = actions.reduce(0, +) / Float(actions.count)
        XCTAssertEqual(mean, 0, accuracy: 0.1, "uniform on [−2, 2] has mean 0")
        let belowHalf = actions.filter { $0 < -1 }.count
        XCTAssertEqual(Double(belowHalf) / Double(actions.count), 0.25, accuracy: 0.04, "a quarter of the mass lies in [−2, −1)")
    }
}

