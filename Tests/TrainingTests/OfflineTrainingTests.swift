import Foundation
import XCTest
import Environments
import Learners
import Randomness
import ReplayStore
import TestSupport
import RunFiles
@testable import Training
import TrainingRuns

/// The offline mode of the same loop: updates from a filled store, the environment only evaluated on.
final class OfflineTrainingTests: XCTestCase {
    func testOfflineRunLearnsFromAStoreFilledByAnOnlineRun() throws {
        let directory = try TemporaryDirectory("offline")
        defer { directory.remove() }
        // An online run fills its store with 600 transitions.
        try TrainingRun.startSession(SmallRuns.sac(steps: 600, seed: 4), in: directory.appending("online")).run()
        let store = try ReplayStore.open(at: directory.appending("online/replay").path)
        XCTAssertEqual(store.transitionCount, 600)

        // An offline run of 300 updates on that store: no environment step, no append.
        var config = SmallRuns.sac(steps: 300, seed: 5, evaluationInterval: 100)
        config.mode = .offline
        let environment = try TrainingRun.makeEnvironment(named: config.environment)
        let learner = try TrainingRun.makeLearner(config, for: environment)
        let run = RunDirectory(directory.appending("offline"))
        let loop = try TrainingLoop(starting: config, in: run, environment: environment, learner: learner, store: store)
        XCTAssertEqual(try loop.run(), .finished)
        XCTAssertEqual(loop.updates, 300)
        XCTAssertEqual(loop.environmentSteps, 0)
        XCTAssertEqual(store.transitionCount, 600, "offline training appends nothing")
        let rows = try ProgressRow.read(from: run.progress)
        XCTAssertEqual(rows.map(\.updates), [100, 200, 300])
        XCTAssertTrue(rows.allSatisfy { $0.environmentSteps == 0 && $0.evaluationReturnMean.isFinite })
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.checkpoint.appendingPathComponent("learner/learner.safetensors").path))

        // It resumes like an online run.
        config.steps = 400
        let resumed = try TrainingLoop(resuming: run, config: config, environment: environment,
                                       learner: try TrainingRun.makeLearner(config, for: environment), store: store)
        XCTAssertEqual(resumed.updates, 300)
        try resumed.run()
        XCTAssertEqual(try ProgressRow.read(from: run.progress).map(\.updates), [100, 200, 300, 400])
    }

    func testOfflineTrainingRefusesAnEmptyStore() throws {
        let directory = try TemporaryDirectory("offline-empty")
        defer { directory.remove() }
        var config = SmallRuns.sac(steps: 10, seed: 1)
        config.mode = .offline
        let environment = try TrainingRun.makeEnvironment(named: config.environment)
        let store = try ReplayStore.create(at: directory.appending("replay").path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 100))
        XCTAssertThrowsError(try TrainingLoop(starting: config, in: RunDirectory(directory.appending("run")), environment: environment,
                                              learner: try TrainingRun.makeLearner(config, for: environment), store: store)) { error in
            XCTAssertTrue("\(error)".contains("filled store"), "\(error)")
        }
    }

    func testTheCLITrainsBCAndTD3OfflineFromAStoreAndResumes() throws {
        let directory = try TemporaryDirectory("offline-cli")
        defer { directory.remove() }
        let online = directory.appending("online").path
        let filled = try OffpolicyExecutable.run(["train", "sac", "--steps", "600", "--hidden", "16,16", "--batch", "32",
                                                  "--eval-every", "600", "--eval-episodes", "1", "--run-dir", online])
        XCTAssertEqual(filled.status, 0, filled.standardError)
        for algorithm in ["bc", "td3"] {
            let run = directory.appending(algorithm).path
            let trained = try OffpolicyExecutable.run(["train", algorithm, "--dataset", online + "/replay", "--steps", "200",
                                                       "--hidden", "16,16", "--batch", "32", "--eval-every", "100",
                                                       "--eval-episodes", "1", "--run-dir", run])
            XCTAssertEqual(trained.status, 0, trained.standardError)
            XCTAssertTrue(trained.standardOutput.contains("finished 200 updates offline from"), trained.standardOutput)
            let rows = try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv"))
            XCTAssertEqual(rows.map(\.updates), [100, 200])
            XCTAssertTrue(rows.allSatisfy { $0.environmentSteps == 0 })
            XCTAssertFalse(FileManager.default.fileExists(atPath: run + "/replay"), "an offline run reads the dataset, it has no store of its own")
            let resumed = try OffpolicyExecutable.run(["train", "--resume", run, "--steps", "300"])
            XCTAssertEqual(resumed.status, 0, resumed.standardError)
            XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.updates), [100, 200, 300])
        }
        let store = try ReplayStore.open(at: online + "/replay", options: StoreOptions(access: .readOnly))
        XCTAssertEqual(store.transitionCount, 600, "offline runs leave the dataset as it was")

        let noDataset = try OffpolicyExecutable.run(["train", "bc", "--steps", "10", "--run-dir", directory.appending("x").path])
        XCTAssertEqual(noDataset.status, 64)
        XCTAssertTrue(noDataset.standardError.contains("bc learns from logged data: give --dataset"), noDataset.standardError)
    }

    /// `--dataset FILE.hdf5`: the D4RL file is imported into DIR/dataset, and TD3+BC's observation
    /// statistics are fitted to it and recorded in config.json.
    func testTD3BCTrainsFromAD4RLFile() throws {
        let directory = try TemporaryDirectory("offline-hdf5")
        defer { directory.remove() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DatasetsTests/Fixtures/pendulum-medium.hdf5").path
        let run = directory.appending("run").path
        let result = try OffpolicyExecutable.run(["train", "td3bc", "--dataset", fixture, "--steps", "100", "--hidden", "16,16",
                                                  "--batch", "32", "--eval-every", "100", "--eval-episodes", "1", "--run-dir", run])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("imported 20000 transitions (100 episodes)"), result.standardOutput)
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        XCTAssertEqual(config.dataset, URL(fileURLWithPath: run + "/dataset").standardizedFileURL.path)
        let td3bc = try XCTUnwrap(config.learner.config as? TD3BCConfig)
        let normalization = try XCTUnwrap(td3bc.observationNormalization, "fitted to the dataset")
        XCTAssertEqual(normalization.mean.count, 3)
        XCTAssertTrue(normalization.standardDeviation.allSatisfy { $0 > 0 })
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.updates), [100])
    }

    /// Without `--env`, an offline run evaluates on the environment its dataset records: a collected
    /// MountainCarContinuous file trains and evaluates there, not on the default Pendulum-v1.
    func testAnOfflineRunTakesTheEnvironmentItsDatasetRecords() throws {
        let directory = try TemporaryDirectory("offline-recorded-env")
        defer { directory.remove() }
        let file = directory.appending("car.hdf5").path
        let collected = try OffpolicyExecutable.run(["collect", "--random", "--env", "MountainCarContinuous-v0", "--steps", "300",
                                                     "--seed", "3", "--out", file])
        XCTAssertEqual(collected.status, 0, collected.standardError)
        let run = directory.appending("run").path
        let trained = try OffpolicyExecutable.run(["train", "bc", "--dataset", file, "--steps", "20", "--hidden", "8,8", "--batch", "16",
                                                   "--eval-every", "20", "--eval-episodes", "1", "--run-dir", run])
        XCTAssertEqual(trained.status, 0, trained.standardError)
        XCTAssertEqual(try TrainingRun.config(in: URL(fileURLWithPath: run)).environment, "MountainCarContinuous-v0")
    }

    /// `--prefill FILE --demo-ratio R`: the demonstrations go into the run's store first (source
    /// demonstration), online episodes are numbered after them, and the run resumes.
    func testPrefilledDemonstrationsComeFirstInTheStore() throws {
        let directory = try TemporaryDirectory("prefill")
        defer { directory.remove() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DatasetsTests/Fixtures/pendulum-medium.hdf5").path
        let run = directory.appending("run").path
        let result = try OffpolicyExecutable.run(["train", "sac", "--prefill", fixture, "--demo-ratio", "0.25", "--steps", "300",
                                                  "--hidden", "16,16", "--batch", "32", "--eval-every", "150",
                                                  "--eval-episodes", "1", "--run-dir", run])
        XCTAssertEqual(result.status, 0, result.standardError)
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        XCTAssertEqual(config.prefill, Prefill(source: URL(fileURLWithPath: fixture).standardizedFileURL.path, transitions: 20_000, episodes: 100, ratio: 0.25))
        let store = try ReplayStore.open(at: run + "/replay", options: StoreOptions(access: .readOnly))
        XCTAssertEqual(store.transitionCount, 20_300)
        var generator = SeededGenerator(seed: 1)
        let batch = try store.sample(batchSize: 4000, using: &generator)
        for row in 0..<batch.count {
            XCTAssertEqual(batch.sources[row] == .demonstration, batch.episodeIDs[row] < 100, "row \(row)")
        }
        XCTAssertTrue(batch.sources.contains(.online))
        let resumed = try OffpolicyExecutable.run(["train", "--resume", run, "--steps", "400"])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
    }
}
