import Environments
import Foundation
import Learners
import Randomness
import ReplayStore
import RunFiles
import TestSupport
import Training
import TrainingRuns
import XCTest

/// An environment with nothing but what the protocol requires without a default: a position x that
/// starts in [−1, 1], moves by 0.1·a and is rewarded −x²; truncated after 50 steps.
private struct Drift: Environment {
    var position: Float = 0
    var elapsed = 0
    var generator = SeededGenerator(seed: 0)
    var observationSpace: BoxSpace { BoxSpace(low: [-10], high: [10]) }
    var actionSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }

    mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        position = generator.nextFloat(in: -1, 1)
        elapsed = 0
        return [position]
    }

    mutating func step(_ action: [Float]) -> StepResult {
        position = min(max(position + 0.1 * min(max(action[0], -1), 1), -10), 10)
        elapsed += 1
        return StepResult(observation: [position], reward: -Double(position * position), terminated: false, truncated: elapsed >= 50)
    }
}

/// A reference-type environment, for the check that a run never shares one instance.
private final class SharedDrift: Environment {
    var drift = Drift()
    var observationSpace: BoxSpace { drift.observationSpace }
    var actionSpace: BoxSpace { drift.actionSpace }
    func reset(seed: UInt64?) -> [Float] { drift.reset(seed: seed) }
    func step(_ action: [Float]) -> StepResult { drift.step(action) }
}

final class UserEnvironmentRunTests: XCTestCase {
    private let quiet = TerminalProgress(enabled: false)

    private func smallSAC(steps: Int, seed: UInt64) -> TrainingConfig {
        var config = SmallRuns.sac(steps: steps, seed: seed, hidden: [16, 16], batch: 32, evaluationInterval: 100, evaluationEpisodes: 1,
                                   learningStarts: 50)
        config.environment = "Drift"
        return config
    }

    func testTheDefaultsHoldNoStateAndRestoreNothing() {
        var drift = Drift()
        XCTAssertFalse(drift.restoresSnapshots)
        XCTAssertEqual(drift.snapshot(), EnvironmentSnapshot.empty)
        XCTAssertEqual(drift.state, [])
        _ = drift.reset(seed: 3)
        let before = drift.position
        drift.restore(EnvironmentSnapshot(state: [0.5], generator: SeededGenerator(seed: 1)))
        XCTAssertEqual(drift.position, before, "the default restore changes nothing")
    }

    /// A checkpoint cannot hold Drift's state: the resumed run says so and starts a fresh episode, reset
    /// with the run's seed plus its step count, under a new episode id; the cut episode's steps stay.
    func testAResumedRunStartsAFreshEpisodeWhenTheEnvironmentKeepsNoSnapshots() throws {
        let directory = try TemporaryDirectory("user-env-resume")
        defer { directory.remove() }
        let run = directory.appending("run")
        do {  // the sessions (and their stores) end before the store is read
            let session = try TrainingRun.startSession(smallSAC(steps: 300, seed: 7), environment: Drift(), in: run, terminal: quiet)
            XCTAssertEqual(try session.run(shouldStop: { session.environmentSteps >= 170 }), .interrupted(steps: 170))
        }
        do {
            let resumed = try TrainingRun.resumeSession(in: run, environment: Drift(), terminal: quiet)
            XCTAssertEqual(resumed.notices, ["a checkpoint cannot hold the state of Drift (a Python process, or an environment without snapshot() and restore(_:)): the resumed run starts a fresh episode (the interrupted episode's 20 stored steps stay in the store, without an end flag)"])
            XCTAssertEqual(try resumed.run(), .finished)
        }
        XCTAssertEqual(try ProgressRow.read(from: run.appendingPathComponent("progress.csv")).map(\.environmentSteps), [100, 200, 300])

        let stored = try ReplayStore.open(at: run.appendingPathComponent("replay").path, options: StoreOptions(access: .readOnly)).liveTransitions()
        XCTAssertEqual(stored.count, 300)
        XCTAssertEqual(stored.episodeIDs[169], 3)
        XCTAssertEqual(stored.stepIndices[169], 19)
        XCTAssertEqual([stored.terminated[169], stored.truncated[169]], [false, false], "the cut episode has no end flag")
        XCTAssertEqual(stored.episodeIDs[170], 4, "the fresh episode has an id of its own")
        XCTAssertEqual(stored.stepIndices[170], 0)
        var fresh = Drift()
        XCTAssertEqual(stored.observations[170], fresh.reset(seed: 7 + 170)[0], "reset with the run's seed plus its step count")
    }

    func testARunByAlgorithmNameTrainsEvaluatesAndIsNotStartedTwice() throws {
        let directory = try TemporaryDirectory("user-env-by-name")
        defer { directory.remove() }
        let run = directory.appending("run")
        let session = try TrainingRun.startSession(algorithm: "sac", environment: Drift(), in: run, steps: 120, seed: 4, terminal: quiet)
        XCTAssertEqual(session.config, .defaults(environment: "Drift", steps: 120, seed: 4, learner: .defaults(for: "sac")!))
        XCTAssertEqual(try session.run(), .finished)
        let rows = try ProgressRow.read(from: run.appendingPathComponent("progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [120])
        XCTAssertEqual(rows.map(\.updates), [20], "100 warm-up steps, then a gradient step per step")
        // The store records the spaces; "Drift" is not a Gymnasium id, so no id.
        let store = try ReplayStore.open(at: run.appendingPathComponent("replay").path, options: StoreOptions(access: .readOnly))
        XCTAssertEqual(try store.sourceEnvironment(),
                       SourceEnvironment(id: nil, observationSpace: BoxBounds(low: [-10], high: [10]), actionSpace: BoxBounds(low: [-1], high: [1])))

        // The last checkpoint is the last evaluation's learner: evaluated the same way, the same return.
        let evaluation = try TrainingRun.evaluate(in: run, environment: Drift(), episodes: 10)
        XCTAssertEqual(evaluation.mean, rows[0].evaluationReturnMean)
        XCTAssertEqual(evaluation.returns.count, 10)

        let config = try Data(contentsOf: run.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try TrainingRun.startSession(algorithm: "sac", environment: Drift(), in: run, steps: 120, terminal: quiet)) { error in
            XCTAssertEqual(error as? TrainingError, .runDirectoryNotEmpty(run.path))
            let sentence = "run directory \(run.path) already holds a run; continue it (offpolicy train --resume \(run.path), or TrainingRun.resumeSession in Swift) or choose another directory"
            XCTAssertEqual("\(error)", sentence)
            XCTAssertEqual(error.localizedDescription, sentence)
        }
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("config.json")), config, "the run is untouched")

        // What makes environments by name refuses this run in one sentence that points at the Swift calls.
        let refusal = "the run in \(run.path) was trained on Drift, an environment of its own that offpolicy cannot make; evaluate it from Swift with TrainingRun.evaluate(in:environment:episodes:seed:), or continue it with TrainingRun.resumeSession(in:environment:steps:)"
        XCTAssertThrowsError(try TrainingRun.resumeSession(in: run, terminal: quiet)) { error in
            XCTAssertEqual(error as? TrainingError, .environmentOfItsOwn(environment: "Drift", directory: run.path))
            XCTAssertEqual("\(error)", refusal)
        }
        let evaluate = try OffpolicyExecutable.run(["evaluate", "--run-dir", run.path])
        XCTAssertEqual(evaluate.status, 1)
        XCTAssertEqual(evaluate.standardError, "Error: \(refusal)\n")
    }

    /// A run on a built-in task records Gymnasium's id, entry point, episode limit and the spaces in its store,
    /// so `dataset export --format minari` of the run's replay needs no `--env`.
    func testABuiltInRunsStoreRecordsItsEnvironment() throws {
        let directory = try TemporaryDirectory("builtin-env-record")
        defer { directory.remove() }
        let run = directory.appending("run")
        XCTAssertEqual(try TrainingRun.startSession(SmallRuns.sac(steps: 60, seed: 1, hidden: [8, 8], batch: 8, evaluationInterval: 60,
                                                                  evaluationEpisodes: 1, learningStarts: 50),
                                                    in: run, terminal: quiet).run(), .finished)
        let store = try ReplayStore.open(at: run.appendingPathComponent("replay").path, options: StoreOptions(access: .readOnly))
        XCTAssertEqual(try store.sourceEnvironment(),
                       SourceEnvironment(id: "Pendulum-v1", entryPoint: "gymnasium.envs.classic_control.pendulum:PendulumEnv", maxEpisodeSteps: 200,
                                         observationSpace: BoxBounds(low: [-1, -1, -8], high: [1, 1, 8]),
                                         actionSpace: BoxBounds(low: [-2], high: [2])))
    }

    func testAnOnPolicyLearnerTrainsOnAUsersEnvironmentCopies() throws {
        let directory = try TemporaryDirectory("user-env-ppo")
        defer { directory.remove() }
        let session = try TrainingRun.startSession(algorithm: "ppo", environment: Drift(), in: directory.appending("run"), steps: 64, terminal: quiet)
        XCTAssertTrue(session is OnPolicyTrainingLoop)
        XCTAssertEqual(try session.run(), .finished)
        XCTAssertEqual(session.environmentSteps, 64)
    }

    func testMisnamedOrSharedEnvironmentsAndUnknownLearnersAreRefused() throws {
        let directory = try TemporaryDirectory("user-env-refused")
        defer { directory.remove() }
        let run = directory.appending("run")
        var builtInName = smallSAC(steps: 100, seed: 1)
        builtInName.environment = "Pendulum-v1"
        XCTAssertThrowsError(try TrainingRun.startSession(builtInName, environment: Drift(), in: run, terminal: quiet)) { error in
            XCTAssertEqual("\(error)", "invalid configuration: the environment name 'Pendulum-v1' is one offpolicy makes an environment from, but this run's environment is a Drift; give yours a name of its own")
        }
        let shared = SharedDrift()
        XCTAssertThrowsError(try TrainingRun.startSession(algorithm: "sac", environment: shared, in: run, steps: 100, terminal: quiet)) { error in
            XCTAssertEqual("\(error)", "invalid configuration: the environment expression gave the same SharedDrift instance twice; pass one that makes a new environment each time (such as SharedDrift()), since a run trains and evaluates on separate environments")
        }
        XCTAssertThrowsError(try TrainingRun.startSession(algorithm: "sax", environment: Drift(), in: run, steps: 100, terminal: quiet)) { error in
            XCTAssertEqual("\(error)", "invalid configuration: unknown learner 'sax' (known: \(Algorithms.names.joined(separator: ", ")))")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "nothing was written")
        // A new instance each time is what a class needs.
        XCTAssertEqual(try TrainingRun.startSession(algorithm: "sac", environment: SharedDrift(), in: run, steps: 100, terminal: quiet).run(), .finished)
    }
}
