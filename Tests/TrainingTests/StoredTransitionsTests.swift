import Environments
import Foundation
import Randomness
import ReplayStore
import XCTest
@testable import Training

/// What the loop writes into the replay store: one transition per step, warm-up log-probabilities,
/// and terminated / truncated kept apart with the true final observation.
final class StoredTransitionsTests: XCTestCase {
    func testEveryStepIsStoredWithItsFlagsAndTrueFinalObservation() throws {
        let directory = try TemporaryDirectory("stored")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 450, seed: 3, evaluationInterval: 450, evaluationEpisodes: 1)
        let loop = try TrainingRun.start(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.episodes, 2)
        XCTAssertEqual(loop.updates, 450 - config.learningStarts)

        let store = try ReplayStore.open(at: directory.appending("replay").path)
        XCTAssertEqual(store.transitionCount, 450, "one transition per environment step, nothing else")
        // Read every transition back by (episode, step) from a large uniform sample.
        var generator = SeededGenerator(seed: 1)
        let batch = try store.sample(batchSize: 20_000, using: &generator)
        var rows: [Int: Int] = [:]
        for row in 0..<batch.count { rows[Int(batch.episodeIDs[row]) * 1000 + Int(batch.stepIndices[row])] = row }
        XCTAssertEqual(rows.count, 450)
        func observation(_ row: Int) -> [Float] { Array(batch.observations[(row * 3)..<(row * 3 + 3)]) }
        func nextObservation(_ row: Int) -> [Float] { Array(batch.nextObservations[(row * 3)..<(row * 3 + 3)]) }

        let warmUpLogProbability = Float(-log(4.0))
        for episode in 0...2 {
            let length = episode < 2 ? 200 : 50
            for step in 0..<length {
                let row = try XCTUnwrap(rows[episode * 1000 + step], "episode \(episode) step \(step)")
                let globalStep = episode * 200 + step
                XCTAssertFalse(batch.terminated[row], "Pendulum never terminates")
                XCTAssertEqual(batch.truncated[row], step == 199, "episode \(episode) step \(step)")
                XCTAssertTrue((-2...2).contains(batch.actions[row]))
                if globalStep < config.learningStarts {
                    XCTAssertEqual(batch.behaviorLogProbabilities[row], warmUpLogProbability, "uniform warm-up on [−2, 2]")
                } else {
                    XCTAssertTrue(batch.behaviorLogProbabilities[row].isFinite, "SAC reports its behavior log-density")
                    XCTAssertNotEqual(batch.behaviorLogProbabilities[row], warmUpLogProbability)
                }
                if step + 1 < length, let next = rows[episode * 1000 + step + 1] {
                    XCTAssertEqual(nextObservation(row), observation(next), "next observation is the following step's observation")
                }
            }
            if episode < 2 {
                // The truncated transition keeps the true final observation, not the reset observation.
                let last = rows[episode * 1000 + 199]!, first = rows[(episode + 1) * 1000]!
                XCTAssertNotEqual(nextObservation(last), observation(first))
                var environment = EnvironmentID.pendulum.make()
                _ = environment.reset(seed: nil)
                let final = nextObservation(last)
                environment.state = [atan2(Double(final[1]), Double(final[0])), Double(final[2])]
                XCTAssertEqual(final[0] * final[0] + final[1] * final[1], 1, accuracy: 1e-5, "a real pendulum observation")
            }
        }
    }

    func testWarmUpActionsAreUniformOverTheActionBox() throws {
        let directory = try TemporaryDirectory("warmup")
        defer { directory.remove() }
        var config = SmallRuns.sac(steps: 2000, seed: 4, evaluationInterval: 2000, evaluationEpisodes: 1)
        config.learningStarts = 2000  // all warm-up: no updates, no policy actions
        let loop = try TrainingRun.start(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.updates, 0)
        let store = try ReplayStore.open(at: directory.appending("replay").path)
        var generator = SeededGenerator(seed: 2)
        let batch = try store.sample(batchSize: 4000, using: &generator)
        let actions = batch.actions
        XCTAssertTrue(actions.allSatisfy { (-2...2).contains($0) })
        let mean = actions.reduce(0, +) / Float(actions.count)
        XCTAssertEqual(mean, 0, accuracy: 0.1, "uniform on [−2, 2] has mean 0")
        let belowHalf = actions.filter { $0 < -1 }.count
        XCTAssertEqual(Double(belowHalf) / Double(actions.count), 0.25, accuracy: 0.04, "a quarter of the mass lies in [−2, −1)")
    }
}
