import Foundation
import Randomness
import ReplayStore
import RunFiles
import TestSupport
@testable import Training
import TrainingRuns
import Transitions
import XCTest

/// Offline training that goes on online (`train --online-steps`): the dataset pinned in the run's store,
/// batches mixed at the dataset ratio, the switch marked in config.json, progress.csv and metrics.csv.
final class OnlineContinuationTests: XCTestCase {
    private var mediumDataset: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("datasets/pendulum-medium.hdf5").path
    }

    private let small = ["--hidden", "32,32", "--batch", "64", "--eval-every", "200", "--eval-episodes", "1", "--log-every", "200",
                         "--seed", "1", "--quiet"]

    func testAnOfflineRunGoesOnOnlineWithItsDatasetPinned() throws {
        let directory = try TemporaryDirectory("online-after-offline")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let result = try OffpolicyExecutable.run(["train", "iql", "--dataset", mediumDataset, "--env", "Pendulum-v1", "--steps", "300",
                                                  "--online-steps", "400", "--dataset-ratio", "0.25", "--replay-capacity", "10100",
                                                  "--run-dir", run] + small)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains(
            "going online at update 300: 400 steps on Pendulum-v1; the 10000 dataset transitions are pinned in \(run)/replay, 0.25 of every batch\n"),
            result.standardOutput)

        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        let dataset = URL(fileURLWithPath: run + "/dataset").standardizedFileURL.path
        XCTAssertEqual(config.mode, .online)
        XCTAssertEqual(config.onlineStart, OnlineStart(updates: 300, dataset: dataset))
        XCTAssertEqual(config.prefill, Prefill(source: dataset, transitions: 10_000, episodes: 50, ratio: 0.25))
        XCTAssertNil(config.dataset)
        XCTAssertEqual(config.steps, 400)
        XCTAssertEqual(config.learningStarts, 0, "the trained policy acts from the first online step")

        // The switch: rows at env_steps 0 up to update 300, then one update per environment step.
        let rows = try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [0, 0, 200, 400])
        XCTAssertEqual(rows.map(\.updates), [200, 300, 500, 700])
        let metrics = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
            .dropFirst().map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
        XCTAssertEqual(metrics, ["0,200,200", "0,300,100", "200,500,200", "400,700,200"])

        // The dataset went into the run's own store first, as pinned demonstrations: with a capacity of 10,100 the
        // 400 online steps evict only online chunks, and eviction passes every chunk holding dataset rows.
        let store = try ReplayStore.open(at: run + "/replay", options: StoreOptions(access: .readOnly))
        let chunkLength = store.schema.chunkLength
        XCTAssertEqual(try store.statistics().pinnedChunks, (10_000 + chunkLength - 1) / chunkLength)
        let all = try store.liveTransitions()
        XCTAssertEqual(all.sources.filter { $0 == .demonstration }.count, 10_000)
        XCTAssertLessThanOrEqual(all.count, 10_100)
        XCTAssertLessThan(all.sources.filter { $0 == .online }.count, 400, "online chunks were evicted")
        XCTAssertEqual(Set(zip(all.sources, all.episodeIDs).filter { $0.0 == .demonstration }.map(\.1)), Set(0..<50))
        XCTAssertTrue(zip(all.sources, all.episodeIDs).filter { $0.0 == .online }.allSatisfy { $0.1 >= 50 },
                      "online episodes are numbered after the dataset's")
        XCTAssertEqual(try ReplayStore.open(at: dataset, options: StoreOptions(access: .readOnly)).transitionCount, 10_000)

        // Every batch the loop samples (the sampler call it makes, seeded) holds round(0.25 × 64) = 16 dataset rows.
        var generator = SeededGenerator(seed: 9)
        var batch = TransitionBatch(observationSize: 3, actionSize: 1, zeroedCount: 64)
        var fromDataset = 0, fresh = 0
        for _ in 0..<50 {
            try store.sample(batchSize: 64, demonstrations: 0..<config.prefill!.transitions,
                             demonstrationCount: Int((config.prefill!.ratio! * 64).rounded()), using: &generator, into: &batch)
            fromDataset += batch.sources.filter { $0 == .demonstration }.count
            fresh += batch.sources.filter { $0 == .online }.count
        }
        XCTAssertEqual(fromDataset, 50 * 16)
        XCTAssertEqual(fresh, 50 * 48)

        // The online part resumes like any online run.
        let resumed = try OffpolicyExecutable.run(["train", "--resume", run, "--steps", "600", "--quiet"])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [0, 0, 200, 400, 600])
    }

    /// `--resume DIR --online-steps N` takes a finished offline run online, at the default ratio ½.
    func testAFinishedOfflineRunResumesOnline() throws {
        let directory = try TemporaryDirectory("resume-online")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let offline = try OffpolicyExecutable.run(["train", "cql", "--dataset", mediumDataset, "--steps", "200", "--action-samples", "2",
                                                   "--run-dir", run] + small)
        XCTAssertEqual(offline.status, 0, offline.standardError)
        let online = try OffpolicyExecutable.run(["train", "--resume", run, "--online-steps", "200", "--quiet"])
        XCTAssertEqual(online.status, 0, online.standardError)
        XCTAssertTrue(online.standardOutput.contains("going online at update 200: 200 steps on Pendulum-v1; the 10000 dataset transitions are pinned in \(run)/replay, 0.5 of every batch"),
                      online.standardOutput)
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        XCTAssertEqual(config.prefill?.ratio, 0.5)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.updates), [200, 400])

        let again = try OffpolicyExecutable.run(["train", "--resume", run, "--online-steps", "100"])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertEqual(again.standardError.split(separator: "\n").first.map(String.init),
                       "Error: invalid configuration: \(run) is not an offline run; continue it with --resume alone")
    }

    func testOnlineStepsRefusals() throws {
        let directory = try TemporaryDirectory("online-refusals")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let cases: [([String], String)] = [
            (["iql", "--env", "Pendulum-v1", "--steps", "10", "--online-steps", "10"], "--online-steps continues offline training online: give --dataset FILE_OR_STORE"),
            (["bc", "--dataset", mediumDataset, "--steps", "10", "--online-steps", "10"], "bc learns from logged data only; it cannot go on online"),
            (["iql", "--dataset", mediumDataset, "--steps", "10", "--dataset-ratio", "0.5"], "--dataset-ratio needs --online-steps"),
            (["iql", "--dataset", mediumDataset, "--steps", "10", "--online-steps", "10", "--dataset-ratio", "2"], "--dataset-ratio must lie in [0, 1], got 2.0"),
            (["ppo", "--steps", "10", "--online-steps", "10"], "ppo is on-policy (it learns from rollouts of its own policy) and does not take --online-steps"),
        ]
        for (arguments, message) in cases {
            let result = try OffpolicyExecutable.run(["train"] + arguments + ["--run-dir", run])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertEqual(result.standardError.split(separator: "\n").first.map(String.init), "Error: \(message)", "\(arguments)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: run))
        }
    }
}
