import Environments
import Foundation
import Learners
import Randomness
import TestSupport
import RunFiles
@testable import Training
import TrainingRuns
import Transitions
import XCTest

/// `offpolicy collect` and `Rollout`: recorded transitions and the behavior log-density of each action.
final class CollectTests: XCTestCase {
    func testRecordedLogDensityIsThePolicysDensityOfTheExecutedAction() throws {
        var sac = SACConfig()
        sac.common.hiddenSizes = [16, 16]
        var generator = SeededGenerator(seed: 1)
        let learner = try SAC(observationSize: 3, actionLow: [-2], actionHigh: [2], config: sac, generator: &generator)
        let environment = EnvironmentID.pendulum.make()
        let batch = try Rollout.collect(.learner(learner, deterministic: false), on: environment, steps: 450, seed: 4)
        XCTAssertEqual(batch.count, 450)
        XCTAssertEqual(batch.truncated.filter { $0 }.count, 2, "Pendulum's 200-step limit")
        XCTAssertEqual(Set(batch.episodeIDs), [0, 1, 2])
        let recomputed = learner.logProbabilities(observations: batch.observations, actions: batch.actions)
        for row in 0..<batch.count {
            XCTAssertEqual(batch.behaviorLogProbabilities[row], recomputed[row], accuracy: 1e-3 * max(1, abs(recomputed[row])), "row \(row)")
        }
        let deterministic = try Rollout.collect(.learner(learner, deterministic: true), on: environment, steps: 10, seed: 4)
        XCTAssertTrue(deterministic.behaviorLogProbabilities.allSatisfy(\.isNaN), "a deterministic action has no density")
        let uniform = try Rollout.collect(.uniform, on: environment, steps: 10, seed: 4)
        XCTAssertTrue(uniform.behaviorLogProbabilities.allSatisfy { $0 == Float(-log(4.0)) }, "uniform on [−2, 2]")
        XCTAssertTrue(uniform.actions.allSatisfy { (-2...2).contains($0) })
    }

    func testTheCLIWritesAD4RLFileThatImportsBack() throws {
        let directory = try TemporaryDirectory("collect")
        defer { directory.remove() }
        let run = directory.appending("run").path
        XCTAssertEqual(try OffpolicyExecutable.run(["train", "sac", "--steps", "300", "--hidden", "16,16", "--batch", "32",
                                                    "--eval-every", "300", "--eval-episodes", "1", "--run-dir", run]).status, 0)
        let file = directory.appending("collected.hdf5").path
        let collected = try OffpolicyExecutable.run(["collect", "--run-dir", run, "--steps", "500", "--seed", "2", "--out", file])
        XCTAssertEqual(collected.status, 0, collected.standardError)
        XCTAssertTrue(collected.standardOutput.contains("wrote 500 transitions (3 episodes)"), collected.standardOutput)
        let info = try OffpolicyExecutable.run(["dataset", "info", file, "--json"])
        XCTAssertEqual(info.status, 0, info.standardError)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(info.standardOutput.split(separator: "\n").last!.utf8)) as? [String: Any])
        XCTAssertEqual(summary["transitions"] as? Int, 500)
        XCTAssertEqual(summary["has_behavior_log_probabilities"] as? Bool, true, "\(summary)")
        XCTAssertEqual(summary["environment_id"] as? String, "Pendulum-v1", "the file names its environment")
        // A deterministic policy has no density, and the column is written all the same (NaN), as the help says.
        let deterministicFile = directory.appending("deterministic.hdf5").path
        let deterministic = try OffpolicyExecutable.run(["collect", "--run-dir", run, "--steps", "20", "--deterministic", "--out", deterministicFile])
        XCTAssertEqual(deterministic.status, 0, deterministic.standardError)
        let deterministicInfo = try OffpolicyExecutable.run(["dataset", "info", deterministicFile, "--json"])
        let deterministicSummary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(deterministicInfo.standardOutput.split(separator: "\n").last!.utf8)) as? [String: Any])
        XCTAssertEqual(deterministicSummary["has_behavior_log_probabilities"] as? Bool, true, "\(deterministicSummary)")
        let again = try OffpolicyExecutable.run(["collect", "--run-dir", run, "--steps", "10", "--out", file])
        XCTAssertEqual(again.status, 64, "an existing file is never overwritten")
        let refusals: [([String], String)] = [
            (["--random", "--steps", "10"], "--random needs --env"),
            (["--random", "--env", "Pendulum-v1", "--deterministic", "--steps", "10"], "--deterministic applies to a trained policy"),
            (["--run-dir", run, "--env", "MountainCarContinuous-v0", "--steps", "10"], "does not fit the run's Pendulum-v1 policy"),
            (["--run-dir", run, "--steps", "100000000000"], "--steps must be at most 10000000"),
        ]
        for (arguments, message) in refusals {
            let refused = try OffpolicyExecutable.run(["collect"] + arguments + ["--out", directory.appending("r.hdf5").path])
            XCTAssertEqual(refused.status, 64, "\(arguments): \(refused.standardError)")
            XCTAssertTrue(refused.standardError.contains(message), "\(arguments): \(refused.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appending("r.hdf5").path))
    }

    /// The help's discussion at 80 columns: whole sentences re-wrapped, no line broken where the source had one.
    func testCollectHelpReadsWellAtEightyColumns() throws {
        let help = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["COLUMNS=80", try OffpolicyExecutable.url().path, "collect", "--help"])
        XCTAssertEqual(help.status, 0, help.standardError)
        let expected = """
        Writes observations, actions, rewards, terminals, timeouts, next_observations
        and infos/action_log_probs: the log-density of each executed action under the
        policy that acted, in environment units (tanh and action-scale Jacobians
        included). A deterministic policy (--deterministic, or TD3/DDPG/deterministic
        BC acting without noise) has no density: NaN. --random acts uniformly in the
        action box (log-density -sum log(high - low)) and needs --env. The file's
        attributes env_spec, observation_space and action_space name the environment
        and its bounds, which dataset import records in the store and dataset export
        writes out again.

        Examples:
          offpolicy collect --run-dir runs/sac-1 --steps 10000 --out expert.hdf5
          offpolicy collect --random --env Pendulum-v1 --steps 10000 --out random.hdf5
          offpolicy collect --random --env gym:Hopper-v5 --steps 10000 --out hop.hdf5

        """
        XCTAssertTrue(help.standardOutput.contains(expected), help.standardOutput)
        for line in help.standardOutput.split(separator: "\n") where !line.hasPrefix("USAGE:") {
            XCTAssertLessThanOrEqual(line.count, 80, "'\(line)'")
        }
    }
}
