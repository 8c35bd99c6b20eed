import Environments
import Foundation
import Learners
import Randomness
import ReplayStore
import RunFiles
@testable import Training
import TrainingRuns
import Transitions
import XCTest

/// A walk that terminates (a terminal state, no bootstrap) when it leaves [−0.5, 0.5] and is truncated
/// after 20 steps: both kinds of episode end occur in one run.
private struct BoundedWalk: Environment {
    var position = 0.0
    var elapsed = 0
    var generator = SeededGenerator(seed: 0)
    var observationSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }
    var actionSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }
    var state: [Double] { get { [position] } set { position = newValue[0] } }

    mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        position = Double(generator.nextFloat(in: -0.1, 0.1))
        elapsed = 0
        return [Float(position)]
    }

    mutating func step(_ action: [Float]) -> StepResult {
        position += 0.2 * Double(action[0])
        elapsed += 1
        let terminated = abs(position) > 0.5
        return StepResult(observation: [Float(position)], reward: terminated ? -1 : 0.1, terminated: terminated,
                          truncated: !terminated && elapsed >= 20)
    }

    var restoresSnapshots: Bool { true }
    func snapshot() -> EnvironmentSnapshot { EnvironmentSnapshot(state: [position], generator: generator, elapsedSteps: elapsed) }
    mutating func restore(_ snapshot: EnvironmentSnapshot) {
        position = snapshot.state[0]
        generator = snapshot.generator
        elapsed = snapshot.elapsedSteps ?? 0
    }
}

final class TerminationTests: XCTestCase {
    func testTerminatedAndTruncatedEpisodeEndsAreStoredApart() throws {
        let directory = try TemporaryDirectory("termination")
        defer { directory.remove() }
        var config = SmallRuns.sac(steps: 400, seed: 2, evaluationInterval: 400, evaluationEpisodes: 1, learningStarts: 400)
        config.environment = "BoundedWalk"
        let environment = BoundedWalk()
        let run = RunDirectory(directory.url)
        let store = try ReplayStore.create(at: run.replay.path, schema: StoreSchema(observationSize: 1, actionSize: 1, capacity: 1_000))
        let loop = try TrainingLoop(starting: config, in: run, environment: environment,
                                    learner: try TrainingRun.makeLearner(config, for: environment), store: store)
        try loop.run()

        var generator = SeededGenerator(seed: 1)
        let sample = try store.sample(batchSize: 20_000, using: &generator)
        var terminatedEnds = 0, truncatedEnds = 0
        for row in 0..<sample.count {
            let next = Double(sample.nextObservations[row])
            XCTAssertFalse(sample.terminated[row] && sample.truncated[row], "never both")
            // The environment pays −1 exactly on the step that leaves the interval.
            XCTAssertEqual(sample.terminated[row], sample.rewards[row] == -1, "terminated exactly when the walk left (row \(row))")
            if sample.terminated[row] { terminatedEnds += 1; XCTAssertGreaterThanOrEqual(abs(next), 0.5) }
            if sample.truncated[row] { truncatedEnds += 1; XCTAssertEqual(sample.stepIndices[row], 19, "truncated at the 20th step") }
        }
        XCTAssertGreaterThan(terminatedEnds, 0, "the run has terminated episodes")
        XCTAssertGreaterThan(truncatedEnds, 0, "and truncated ones")
        XCTAssertEqual(store.transitionCount, 400)
    }
}
