import TestSupport
import Foundation
import XCTest
import RunFiles
@testable import Training
import TrainingRuns
import Learners

/// `offpolicy train` and `offpolicy evaluate` as real processes. Every run's exit status is checked
/// exactly: 0 for success, 64 (EX_USAGE, swift-argument-parser's status for a failed `validate()`)
/// for bad arguments, 1 for an error while running.
final class TrainAndEvaluateCommandTests: XCTestCase {
    private static let success: Int32 = 0
    private static let usageError: Int32 = 64
    private static let runtimeError: Int32 = 1

    func testTrainWritesTheRunDirectoryAndEvaluateEndsWithJSON() throws {
        let directory = try TemporaryDirectory("cli")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--env", "Pendulum-v1", "--steps", "300", "--seed", "2",
                                             "--run-dir", run, "--eval-every", "150", "--eval-episodes", "2",
                                             "--hidden", "16,16", "--batch", "32", "--lr", "1e-3"])
        XCTAssertEqual(train.status, Self.success, train.standardOutput + train.standardError)
        // Standard error is not a terminal: no progress line, a line per metrics row and evaluation instead.
        XCTAssertEqual(train.standardError.split(separator: "\n").map(String.init),
                       try ExpectedLogLines.lines(in: URL(fileURLWithPath: run), totalSteps: 300, evaluationEpisodes: 2))
        for name in ["config.json", "progress.csv", "policy.safetensors", "replay", "checkpoint/state.json", "checkpoint/learner"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + name), name)
        }
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        XCTAssertEqual(config.algorithm, "sac")
        XCTAssertEqual(config.learner.common.hiddenSizes, [16, 16])
        XCTAssertEqual(config.learner.common.batchSize, 32)
        XCTAssertEqual(config.learner.common.learningRate, 1e-3)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [150, 300])

        let evaluate = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "3", "--json"])
        XCTAssertEqual(evaluate.status, Self.success, evaluate.standardError)
        let last = try XCTUnwrap(evaluate.standardOutput.split(separator: "\n").last)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(object["episodes"] as? Int, 3)
        let mean = try XCTUnwrap(object["return_mean"] as? Double)
        XCTAssertTrue((-2000 ... 0).contains(mean), "a Pendulum return: \(mean)")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(object["return_std"] as? Double), 0)

        // Same run, same evaluation seed: the same numbers.
        let again = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "3", "--json"])
        XCTAssertEqual(again.status, Self.success, again.standardError)
        XCTAssertEqual(again.standardOutput, evaluate.standardOutput)

        // A second run into the same directory is refused while running (after validation), and the
        // first run's files stay as they were.
        let progressBefore = try Data(contentsOf: URL(fileURLWithPath: run + "/progress.csv"))
        let refused = try OffpolicyExecutable.run(["train", "sac", "--steps", "100", "--run-dir", run])
        XCTAssertEqual(refused.status, Self.runtimeError, refused.standardError)
        XCTAssertTrue(refused.standardError.contains("--resume"), refused.standardError)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run + "/progress.csv")), progressBefore)
    }

    /// `--actor-gradient truncated-is --clip C` reaches config.json and the run reports its metrics.
    func testTruncatedImportanceSamplingActorRuns() throws {
        let directory = try TemporaryDirectory("cli-truncated-is")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--steps", "200", "--run-dir", run, "--eval-every", "200", "--eval-episodes", "1",
                                                 "--hidden", "16,16", "--batch", "32", "--log-every", "50",
                                                 "--actor-gradient", "truncated-is", "--clip", "2"])
        XCTAssertEqual(train.status, Self.success, train.standardOutput + train.standardError)
        let config = try XCTUnwrap(try TrainingRun.config(in: URL(fileURLWithPath: run)).learner.config as? SACConfig)
        XCTAssertEqual(config.actorGradient, .truncatedImportanceSampling(clip: 2))
        let metrics = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(metrics[0].hasSuffix("truncated_ratio,correction_weight,behavior_nll"), String(metrics[0]))
        XCTAssertEqual(metrics.count, 3, "a header and a row every 50 of the 100 updates")
    }

    func testTD3AndDDPGRunThroughTheSameLoop() throws {
        let directory = try TemporaryDirectory("cli-td3-ddpg")
        defer { directory.remove() }
        for algorithm in ["td3", "ddpg"] {
            let run = directory.appending(algorithm).path
            let train = try OffpolicyExecutable.run(["train", algorithm, "--steps", "200", "--run-dir", run, "--eval-every", "200",
                                                 "--eval-episodes", "1", "--hidden", "16,16", "--batch", "32"])
            XCTAssertEqual(train.status, Self.success, train.standardOutput + train.standardError)
            XCTAssertEqual(try TrainingRun.config(in: URL(fileURLWithPath: run)).algorithm, algorithm)
            XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.updates), [100])
        }
    }

    func testBadArgumentsAreExplained() throws {
        let directory = try TemporaryDirectory("cli-bad-arguments")
        defer { directory.remove() }
        let neverCreated = directory.appending("never-created").path

        let noSteps = try OffpolicyExecutable.run(["train", "sac", "--run-dir", neverCreated])
        XCTAssertEqual(noSteps.status, Self.usageError, noSteps.standardError)
        XCTAssertTrue(noSteps.standardError.contains("--steps is required"), noSteps.standardError)

        let badHidden = try OffpolicyExecutable.run(["train", "sac", "--steps", "10", "--run-dir", neverCreated, "--hidden", "0,4"])
        XCTAssertEqual(badHidden.status, Self.usageError, badHidden.standardError)
        XCTAssertTrue(badHidden.standardError.contains("--hidden"), badHidden.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: neverCreated), "arguments are checked before anything is written")

        let resumeWithChanges = try OffpolicyExecutable.run(["train", "--resume", directory.url.path, "--lr", "0.1"])
        XCTAssertEqual(resumeWithChanges.status, Self.usageError, resumeWithChanges.standardError)
        XCTAssertTrue(resumeWithChanges.standardError.contains("only --steps"), resumeWithChanges.standardError)

        let noRun = try OffpolicyExecutable.run(["evaluate", "--run-dir", directory.url.path])
        XCTAssertEqual(noRun.status, Self.runtimeError, noRun.standardError)
        XCTAssertTrue(noRun.standardError.contains("config.json"), noRun.standardError)
        XCTAssertEqual(noRun.standardOutput, "", "no result is printed for a failed evaluation")
    }
}
