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

    /// `evaluate --normalize`: the score of the raw mean and std mapped by hand, with two returns and with two
    /// datasets written by `collect` (their mean returns as `dataset info` reports them); a reference that
    /// cannot be had is refused with one sentence before any episode runs.
    func testEvaluateReportsNormalisedScores() throws {
        let directory = try TemporaryDirectory("cli-normalize")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--steps", "200", "--run-dir", run, "--eval-every", "200",
                                                 "--eval-episodes", "1", "--hidden", "16,16", "--batch", "32"])
        XCTAssertEqual(train.status, Self.success, train.standardOutput + train.standardError)
        func object(_ output: String) throws -> [String: Any] {
            let last = try XCTUnwrap(output.split(separator: "\n").last)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        }

        let given = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "2", "--json", "--normalize", "-1500.5,-150"])
        XCTAssertEqual(given.status, Self.success, given.standardError)
        let json = try object(given.standardOutput)
        let mean = try XCTUnwrap(json["return_mean"] as? Double), std = try XCTUnwrap(json["return_std"] as? Double)
        // 100 · (R + 1500.5) / (−150 + 1500.5); the std times 100 / 1350.5.
        XCTAssertEqual(try XCTUnwrap(json["normalized_mean"] as? Double), 100 * (mean + 1500.5) / 1350.5, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(json["normalized_std"] as? Double), std * 100 / 1350.5, accuracy: 1e-9)
        XCTAssertEqual(json["reference_random"] as? Double, -1500.5)
        XCTAssertEqual(json["reference_expert"] as? Double, -150)
        XCTAssertEqual(json["reference"] as? String, "returns -1500.5 and -150")
        XCTAssertEqual(json["episodes"] as? Int, 2)
        let lines = given.standardOutput.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, given.standardOutput)
        XCTAssertEqual(lines[1], "normalised score " + String(format: "%.2f ± %.2f", 100 * (mean + 1500.5) / 1350.5, std * 100 / 1350.5))
        XCTAssertEqual(lines[2], "reference: the given returns (random -1500.5, expert -150)")
        // The return itself is what evaluate reports without --normalize.
        let plain = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "2", "--json"])
        XCTAssertEqual(plain.status, Self.success, plain.standardError)
        XCTAssertEqual(try object(plain.standardOutput)["return_mean"] as? Double, mean)
        XCTAssertEqual(plain.standardOutput.split(separator: "\n").first.map(String.init), lines[0])

        // Two datasets: uniform actions (500 steps, 3 episodes) and the run's policy (400 steps, 2 episodes).
        let random = directory.appending("random.hdf5").path, expert = directory.appending("policy.hdf5").path
        for arguments in [["--random", "--env", "Pendulum-v1", "--steps", "500", "--out", random], ["--run-dir", run, "--steps", "400", "--out", expert]] {
            let collect = try OffpolicyExecutable.run(["collect", "--seed", "3"] + arguments)
            XCTAssertEqual(collect.status, Self.success, collect.standardError)
        }
        func meanReturn(_ path: String) throws -> Double {
            let info = try OffpolicyExecutable.run(["dataset", "info", path, "--json"])
            XCTAssertEqual(info.status, Self.success, info.standardError)
            return try XCTUnwrap(try object(info.standardOutput)["return_mean"] as? Double)
        }
        let (randomMean, expertMean) = (try meanReturn(random), try meanReturn(expert))
        let datasets = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "2", "--json", "--normalize", "\(random),\(expert)"])
        XCTAssertEqual(datasets.status, Self.success, datasets.standardError)
        let scored = try object(datasets.standardOutput)
        XCTAssertEqual(scored["reference_random"] as? Double, randomMean)
        XCTAssertEqual(scored["reference_expert"] as? Double, expertMean)
        XCTAssertEqual(try XCTUnwrap(scored["normalized_mean"] as? Double), 100 * (mean - randomMean) / (expertMean - randomMean), accuracy: 1e-9)
        XCTAssertEqual(scored["reference"] as? String, "mean returns of \(random) and \(expert)")
        XCTAssertTrue(datasets.standardOutput.contains("\nreference: the mean returns of \(random) ("), datasets.standardOutput)

        // Refused with status 64 and one sentence, before any episode runs (nothing on standard output).
        let missing = directory.appending("missing.hdf5").path
        let refusals: [(String, String)] = [
            ("d4rl", "--normalize d4rl: D4RL has no reference returns for Pendulum-v1 (only for HalfCheetah, Hopper and Walker2d); give two returns as --normalize RANDOM,EXPERT or two datasets as --normalize RANDOM_DATASET,EXPERT_DATASET"),
            ("\(random),\(missing)", "--normalize: the expert dataset '\(missing)' does not exist"),
            ("-150,-150.0", "--normalize: the random and expert returns are both -150, so they cannot scale a score"),
        ]
        for (reference, sentence) in refusals {
            let refused = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--json", "--normalize", reference])
            XCTAssertEqual(refused.status, Self.usageError, reference)
            XCTAssertTrue(refused.standardError.hasPrefix("Error: " + sentence + "\n"), refused.standardError)
            XCTAssertEqual(refused.standardOutput, "", reference)
        }
    }

    /// `--gamma` and `--stochastic` (off-policy evaluation's Monte-Carlo truth): their JSON keys, a seeded
    /// repeatable sampled return, and one-sentence refusals of a discount outside (0, 1] and of --normalize with it.
    func testEvaluateDiscountedAndStochastic() throws {
        let directory = try TemporaryDirectory("cli-gamma")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--steps", "200", "--run-dir", run, "--eval-every", "200",
                                                 "--eval-episodes", "1", "--hidden", "16,16", "--batch", "32"])
        XCTAssertEqual(train.status, Self.success, train.standardOutput + train.standardError)
        func object(_ arguments: [String]) throws -> [String: Any] {
            let result = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "3", "--seed", "5", "--json"] + arguments)
            XCTAssertEqual(result.status, Self.success, result.standardError)
            let last = try XCTUnwrap(result.standardOutput.split(separator: "\n").last)
            return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        }
        let plain = try object([])
        XCTAssertNil(plain["gamma"]); XCTAssertNil(plain["return_sem"])
        let discounted = try object(["--gamma", "0.5"])
        XCTAssertEqual(discounted["gamma"] as? Double, 0.5)
        XCTAssertEqual(discounted["stochastic"] as? Bool, false)
        let value = try XCTUnwrap(discounted["return_mean"] as? Double)
        // Pendulum's rewards lie in [−16.27, 0]: with γ = 0.5 a return lies in [−32.55, 0], above the plain sum.
        XCTAssertGreaterThanOrEqual(value, -32.55)
        XCTAssertGreaterThan(value, try XCTUnwrap(plain["return_mean"] as? Double))
        let sampled = try object(["--stochastic"]), again = try object(["--stochastic"])
        XCTAssertEqual(sampled["return_mean"] as? Double, again["return_mean"] as? Double, "the seed fixes the sampled actions")
        XCTAssertNotEqual(sampled["return_mean"] as? Double, plain["return_mean"] as? Double)
        XCTAssertNotNil(sampled["return_sem"] as? Double)

        for (arguments, sentence) in [(["--gamma", "0"], "--gamma must lie in (0, 1]; got 0.0."),
                                      (["--gamma", "1.5"], "--gamma must lie in (0, 1]; got 1.5."),
                                      (["--gamma", "0.9", "--normalize", "-1500,-150"],
                                       "--normalize compares undiscounted returns; it cannot be used with --gamma 0.9.")] {
            let refused = try OffpolicyExecutable.run(["evaluate", "--run-dir", run] + arguments)
            XCTAssertEqual(refused.status, Self.usageError, "\(arguments)")
            XCTAssertTrue(refused.standardError.hasPrefix("Error: " + sentence + "\n"), refused.standardError)
            XCTAssertEqual(refused.standardOutput, "")
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
