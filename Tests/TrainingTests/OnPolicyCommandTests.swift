import TestSupport
import Foundation
import XCTest
import RunFiles
@testable import Training
import TrainingRuns

/// `offpolicy train reinforce|a2c|ppo` and `offpolicy evaluate` as real processes.
final class OnPolicyCommandTests: XCTestCase {
    func testPPOTrainsEvaluatesAndResumesThroughTheCommandLine() throws {
        let directory = try TemporaryDirectory("cli-ppo")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let train = try OffpolicyExecutable.run(["train", "ppo", "--env", "Pendulum-v1", "--steps", "512", "--seed", "2", "--run-dir", run,
                                                 "--eval-every", "256", "--eval-episodes", "2", "--n-envs", "2", "--n-steps", "64",
                                                 "--epochs", "2", "--batch", "32", "--normalize-observations", "--anneal-lr",
                                                 "--clip-range-vf", "0.5", "--log-every", "1"])
        XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
        for name in ["config.json", "progress.csv", "metrics.csv", "policy.safetensors", "replay", "checkpoint/state.json", "checkpoint/learner"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/" + name), name)
        }
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        XCTAssertEqual(config.algorithm, "ppo")
        XCTAssertEqual(config.learner.common.batchSize, 32)
        let rows = try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [256, 512])
        XCTAssertEqual(rows.map(\.updates), [2, 4], "one update per rollout of 2 × 64 steps; evaluated after the rollout's update")
        let metrics = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.first, "env_steps,updates,updates_in_row,policy_loss,value_loss,entropy,approx_kl,clip_fraction,explained_variance,gradient_norm,std,learning_rate")
        XCTAssertEqual(metrics.count, 5, "a row per rollout (4) after the header")

        let evaluate = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "2", "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.standardError)
        let last = try XCTUnwrap(evaluate.standardOutput.split(separator: "\n").last)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        // `evaluate` runs the trained policy (observation normaliser included) on the run's own evaluation
        // episodes: the same return as the run's last evaluation, which followed its last update.
        XCTAssertEqual(try XCTUnwrap(object["return_mean"] as? Double), rows.last!.evaluationReturnMean, accuracy: 1e-9)
        XCTAssertNotEqual(rows.first!.evaluationReturnMean, rows.last!.evaluationReturnMean, "the policy changed between the evaluations")

        let extended = try OffpolicyExecutable.run(["train", "--resume", run, "--steps", "768"])
        XCTAssertEqual(extended.status, 0, extended.standardOutput + extended.standardError)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [256, 512, 768])
    }

    func testA2CWithVTraceReplayAndREINFORCERun() throws {
        let directory = try TemporaryDirectory("cli-a2c")
        defer { directory.remove() }
        for (name, arguments) in [("a2c", ["a2c", "--replay-ratio", "2", "--correction", "vtrace", "--vtrace-lambda", "0.9"]),
                                  ("reinforce", ["reinforce", "--n-steps", "50"])] {
            let run = directory.appending(name).path
            let train = try OffpolicyExecutable.run(["train"] + arguments + ["--steps", "400", "--seed", "1", "--run-dir", run,
                                                                             "--eval-every", "200", "--eval-episodes", "1"])
            XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
            XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [200, 400], name)
            XCTAssertEqual(try TrainingRun.config(in: URL(fileURLWithPath: run)).algorithm, name)
            let evaluate = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "1"])
            XCTAssertEqual(evaluate.status, 0, evaluate.standardError)
            XCTAssertTrue(evaluate.standardOutput.hasPrefix("\(name) on Pendulum-v1: return"), evaluate.standardOutput)
        }
        let header = try String(contentsOfFile: directory.appending("a2c").path + "/metrics.csv", encoding: .utf8).split(separator: "\n").first
        XCTAssertEqual(header.map(String.init), "env_steps,updates,updates_in_row,policy_loss,value_loss,entropy,explained_variance,gradient_norm,std,replay_policy_loss,replay_value_loss,replay_ratio_mean,replay_gradient_norm,replay_unknown_behavior")
    }

    /// Bad combinations exit 64 with a sentence naming the flag, and create nothing.
    func testOptionsThatDoNotApplyAreRefused() throws {
        let directory = try TemporaryDirectory("cli-onpolicy-refused")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let cases: [([String], String)] = [
            (["ppo", "--learning-starts", "10"], "--learning-starts"),
            (["a2c", "--batch", "10"], "--batch"),
            (["sac", "--n-envs", "2"], "--n-envs"),
            (["a2c", "--epochs", "3"], "--epochs"),
            (["ppo", "--replay-ratio", "1"], "--replay-ratio"),
            (["a2c", "--correction", "vtrace"], "--replay-ratio"),
            (["a2c", "--replay-ratio", "1", "--correction", "retrace"], "retrace"),
            (["sac", "--n-step", "3", "--correction", "vtrace"], "vtrace"),
            (["reinforce", "--gae-lambda", "0.9"], "--gae-lambda"),
            (["ppo", "--n-envs", "0"], "--n-envs"),
            (["ppo", "--gamma", "1.5"], "--gamma"),
            (["ppo", "--dataset", "/nonexistent"], "--dataset"),
            (["a2c", "--use-sde", "true"], "--use-sde"),
            (["ppo", "--sde-sample-freq", "-2"], "--sde-sample-freq"),
            (["ppo", "--use-sde", "false", "--sde-sample-freq", "8"], "--sde-sample-freq"),
            (["ppo", "--use-sde", "maybe"], "--use-sde"),
        ]
        for (arguments, flag) in cases {
            let result = try OffpolicyExecutable.run(["train"] + arguments + ["--steps", "10", "--run-dir", run])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(flag), "\(arguments): \(result.standardError)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: run), "\(arguments)")
        }
    }
}
