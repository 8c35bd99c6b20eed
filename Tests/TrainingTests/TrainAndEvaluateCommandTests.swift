import TestSupport
import Foundation
import XCTest
@testable import Training

/// `offpolicy train` and `offpolicy evaluate` as real processes.
final class TrainAndEvaluateCommandTests: XCTestCase {
    func testTrainWritesTheRunDirectoryAndEvaluateEndsWithJSON() throws {
        let directory = try TemporaryDirectory("cli")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--env", "Pendulum-v1", "--steps", "300", "--seed", "2",
                                             "--run-dir", run, "--eval-every", "150", "--eval-episodes", "2",
                                             "--hidden", "16,16", "--batch", "32", "--lr", "1e-3"])
        XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
        XCTAssertEqual(train.standardError, "", "no progress line when standard error is not a terminal")
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
        XCTAssertEqual(evaluate.status, 0, evaluate.standardError)
        let last = try XCTUnwrap(evaluate.standardOutput.split(separator: "\n").last)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(object["episodes"] as? Int, 3)
        let mean = try XCTUnwrap(object["return_mean"] as? Double)
        XCTAssertTrue((-2000 ... 0).contains(mean), "a Pendulum return: \(mean)")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(object["return_std"] as? Double), 0)

        // Same run, same evaluation seed: the same numbers.
        let again = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "3", "--json"])
        XCTAssertEqual(again.standardOutput, evaluate.standardOutput)

        let refused = try OffpolicyExecutable.run(["train", "sac", "--steps", "100", "--run-dir", run])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.standardError.contains("--resume"), refused.standardError)
    }

    func testTD3AndDDPGRunThroughTheSameLoop() throws {
        let directory = try TemporaryDirectory("cli-td3-ddpg")
        defer { directory.remove() }
        for algorithm in ["td3", "ddpg"] {
            let run = directory.appending(algorithm).path
            let train = try OffpolicyExecutable.run(["train", algorithm, "--steps", "200", "--run-dir", run, "--eval-every", "200",
                                                 "--eval-episodes", "1", "--hidden", "16,16", "--batch", "32"])
            XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
            XCTAssertEqual(try TrainingRun.config(in: URL(fileURLWithPath: run)).algorithm, algorithm)
            XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.updates), [100])
        }
    }

    func testBadArgumentsAreExplained() throws {
        let noSteps = try OffpolicyExecutable.run(["train", "sac", "--run-dir", "/tmp/never-created-by-offpolicy"])
        XCTAssertNotEqual(noSteps.status, 0)
        XCTAssertTrue(noSteps.standardError.contains("--steps is required"), noSteps.standardError)
        let badHidden = try OffpolicyExecutable.run(["train", "sac", "--steps", "10", "--run-dir", "/tmp/x", "--hidden", "0,4"])
        XCTAssertTrue(badHidden.standardError.contains("--hidden"), badHidden.standardError)
        let resumeWithChanges = try OffpolicyExecutable.run(["train", "--resume", "/tmp", "--lr", "0.1"])
        XCTAssertTrue(resumeWithChanges.standardError.contains("only --steps"), resumeWithChanges.standardError)
        let noRun = try OffpolicyExecutable.run(["evaluate", "--run-dir", "/tmp"])
        XCTAssertNotEqual(noRun.status, 0)
        XCTAssertTrue(noRun.standardError.contains("config.json"), noRun.standardError)
    }
}
