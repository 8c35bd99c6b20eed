import Environments
import Foundation
import Learners
import ReplayStore
import RunFiles
import Randomness
import Training
import TrainingRuns
import XCTest

/// A stop that cuts a unit of work short (an environment call abandoned on Ctrl-C or SIGTERM) checkpoints the
/// state before that unit; one that cuts an evaluation short leaves the evaluation pending for the resumed run.
/// A NaN from an environment or in a checkpoint names its source.
final class InterruptionTests: XCTestCase {
    private let terminal = TerminalProgress(enabled: false)

    private func learner(_ config: TrainingConfig) throws -> any Learner {
        var generator = SeededGenerator(seed: config.seed, stream: 4)
        return try config.learner.config.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
    }

    private func savedState(_ run: RunDirectory) throws -> [String: Any] {
        let data = try Data(contentsOf: RunDirectory.stateFile(in: run.checkpoint))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testAStepCutShortIsDroppedAndTheCheckpointHoldsTheStateBeforeIt() throws {
        let directory = try TemporaryDirectory("interrupted-step")
        defer { directory.remove() }
        let run = RunDirectory(directory.url)
        let config = SmallRuns.sac(steps: 300, seed: 3, hidden: [16, 16], batch: 32, evaluationInterval: 300, evaluationEpisodes: 1,
                                   checkpointInterval: 100)
        let store = try ReplayStore.create(at: run.replay.path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 10_000),
                                           options: TrainingRun.storeOptions)
        let loop = try TrainingLoop(starting: config, in: run, environment: FaultyEnvironment(.interruption(signal: SIGTERM), atStep: 151),
                                    evaluationEnvironment: EnvironmentID.pendulum.make(), learner: try learner(config), store: store, terminal: terminal)
        XCTAssertEqual(try loop.run(shouldStop: { false }), .interrupted(steps: 150))
        let state = try savedState(run)
        XCTAssertEqual(state["environmentSteps"] as? Int, 150, "the checkpoint is the one of the last completed step")
        XCTAssertEqual(state["storedTransitions"] as? Int, 150)
        XCTAssertEqual(store.transitionCount, 150, "nothing of the abandoned step reached the store")

        let resumed = try TrainingLoop(resuming: run, config: config, environment: FaultyEnvironment(.nanReward, atStep: .max),
                                       evaluationEnvironment: EnvironmentID.pendulum.make(), learner: try learner(config), store: store, terminal: terminal)
        XCTAssertEqual(resumed.core.environmentSteps, 150)
        XCTAssertEqual(try resumed.run(shouldStop: { false }), .finished)
        XCTAssertEqual(try ProgressRow.read(from: run.progress).map(\.environmentSteps), [300])
        XCTAssertEqual(store.transitionCount, 300)
    }

    func testAnEvaluationCutShortRunsFirstWhenTheRunResumes() throws {
        let directory = try TemporaryDirectory("interrupted-evaluation")
        defer { directory.remove() }
        let run = RunDirectory(directory.url)
        let config = SmallRuns.sac(steps: 200, seed: 4, hidden: [16, 16], batch: 32, evaluationInterval: 100, evaluationEpisodes: 1)
        let store = try ReplayStore.create(at: run.replay.path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 10_000),
                                           options: TrainingRun.storeOptions)
        let loop = try TrainingLoop(starting: config, in: run, environment: EnvironmentID.pendulum.make(),
                                    evaluationEnvironment: FaultyEnvironment(.interruption(signal: SIGINT), atStep: 5),
                                    learner: try learner(config), store: store, terminal: terminal)
        XCTAssertEqual(try loop.run(shouldStop: { false }), .interrupted(steps: 100))
        let state = try savedState(run)
        XCTAssertEqual(state["environmentSteps"] as? Int, 100, "the completed step is kept")
        XCTAssertEqual(state["evaluationPending"] as? Bool, true)
        XCTAssertEqual(try ProgressRow.read(from: run.progress).count, 0)

        let resumed = try TrainingLoop(resuming: run, config: config, environment: EnvironmentID.pendulum.make(), evaluationEnvironment: EnvironmentID.pendulum.make(),
                                       learner: try learner(config), store: store, terminal: terminal)
        XCTAssertEqual(try resumed.run(shouldStop: { false }), .finished)
        XCTAssertEqual(try ProgressRow.read(from: run.progress).map(\.environmentSteps), [100, 200],
                       "the evaluation of step 100 is made up before the run goes on")
        XCTAssertNil(try savedState(run)["evaluationPending"])
    }

    func testANaNRewardNamesTheEnvironmentAndTheStepNotTheStore() throws {
        let directory = try TemporaryDirectory("nan-reward")
        defer { directory.remove() }
        let run = RunDirectory(directory.url)
        let config = SmallRuns.sac(steps: 100, seed: 5, hidden: [16, 16], batch: 32, evaluationInterval: 100, evaluationEpisodes: 1)
        let store = try ReplayStore.create(at: run.replay.path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 10_000),
                                           options: TrainingRun.storeOptions)
        let loop = try TrainingLoop(starting: config, in: run, environment: FaultyEnvironment(.nanReward, atStep: 7),
                                    evaluationEnvironment: EnvironmentID.pendulum.make(), learner: try learner(config), store: store, terminal: terminal)
        XCTAssertThrowsError(try loop.run(shouldStop: { false })) { error in
            guard case .nonFiniteEnvironment(let environment, let step, let what, let value)? = error as? TrainingError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(environment, "Pendulum-v1")
            XCTAssertEqual(step, 7)
            XCTAssertEqual(what, "reward")
            XCTAssertTrue(value.isNaN)
            XCTAssertFalse("\(error)".contains("column"), "\(error)")
        }
        XCTAssertEqual(store.transitionCount, 6)
    }

    func testANaNInACheckpointNamesTheFileAndTheTensor() throws {
        let directory = try TemporaryDirectory("nan-checkpoint")
        defer { directory.remove() }
        try TrainingRun.startSession(SmallRuns.sac(steps: 120, seed: 6, hidden: [16, 16], batch: 32, evaluationInterval: 120, evaluationEpisodes: 1),
                                     in: directory.url, terminal: terminal).run()
        let file = RunDirectory.learnerDirectory(in: RunDirectory(directory.url).checkpoint).appendingPathComponent("learner.safetensors")
        var bytes = try Data(contentsOf: file)
        let headerLength = Int(bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian)
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let name = try XCTUnwrap(header.keys.filter { $0 != "__metadata__" }.sorted().first)
        let offsets = try XCTUnwrap((header[name] as? [String: Any])?["data_offsets"] as? [Int])
        let position = 8 + headerLength + offsets[0]
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { bytes.replaceSubrange(position..<(position + 4), with: $0) }
        try bytes.write(to: file)

        XCTAssertThrowsError(try TrainingRun.trainedLearner(in: directory.url)) { error in
            guard case .nonFiniteCheckpoint(let named, let tensor, let index, let value)? = error as? LearnerError else { return XCTFail("\(error)") }
            XCTAssertEqual(named, file.path)
            XCTAssertEqual(tensor, name)
            XCTAssertEqual(index, 0)
            XCTAssertTrue(value.isNaN)
            let message = "\(error)"
            XCTAssertTrue(message.contains(file.path), message)
            XCTAssertTrue(message.contains("'\(name)'"), message)
            XCTAssertFalse(message.contains("column"), message)
        }
    }
}
