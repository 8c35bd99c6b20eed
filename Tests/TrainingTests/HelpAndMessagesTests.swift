import Foundation
import TestSupport
import XCTest

/// Help texts and messages a new user meets first (issue 17, section 6), through the built `offpolicy`.
final class HelpAndMessagesTests: XCTestCase {
    func testBenchUpdateHelpShowsTheDefaultLearnerByName() throws {
        let result = try OffpolicyExecutable.run(["bench", "update", "--help"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertFalse(result.standardOutput.contains("AlgorithmName("), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("default: sac"), result.standardOutput)
    }

    func testCompareThresholdHelpPointsAboveNotBelow() throws {
        let result = try OffpolicyExecutable.run(["compare", "--help"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let text = result.standardOutput.replacingOccurrences(of: "\n", with: " ")
            .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        XCTAssertFalse(text.contains("see below"), text)
        XCTAssertTrue(text.contains("as listed under 'Default thresholds' above"), text)
        let listed = try XCTUnwrap(text.range(of: "Default thresholds:"))
        let option = try XCTUnwrap(text.range(of: "--threshold <threshold> The return"))
        XCTAssertLessThan(listed.lowerBound, option.lowerBound, "the defaults are above the option")
    }

    /// The general options come first, then the options every learner takes, those of the off-policy and
    /// offline learners, and each family's own; the families' entries keep their line breaks on 80 columns.
    func testTrainHelpListsTheGeneralOptionsFirstThenEachLearnerFamily() throws {
        let result = try OffpolicyExecutable.run(["train", "--help"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let help = result.standardOutput
        let order = ["USAGE:", "GENERAL OPTIONS:", "  --env <env>", "  --steps <steps>", "  --seed <seed>", "  --envs <envs>", "  --run-dir <run-dir>",
                     "  --eval-every", "  --checkpoint-every", "  --log-every", "  --quiet", "  --env-timeout",
                     "OPTIONS OF EVERY LEARNER:", "  --hidden", "  --lr", "OPTIONS OF THE OFF-POLICY AND OFFLINE LEARNERS:", "  --learning-starts",
                     "  --dataset", "LEARNER OPTIONS:", "Off-policy learners (sac, td3, ddpg):", "  --n-step <N>  (sac)",
                     "Offline learners (bc, td3bc, iql, cql):", "  --deterministic  (bc)", "  --expectile <τ>  (iql)", "  --conservative-weight <α>  (cql)", "On-policy learners (ppo, a2c, reinforce):",
                     "  --n-envs <N>  (ppo, a2c, reinforce)", "  --epochs <N>  (ppo)", "  --replay-ratio <K>  (a2c)", "  -h, --help"]
        var previous = help.startIndex
        for text in order {
            let found = try XCTUnwrap(help.range(of: text, range: previous..<help.endIndex), "'\(text)' after the entries before it:\n\(help)")
            previous = found.upperBound
        }
        let learnerSection = try XCTUnwrap(help.range(of: "LEARNER OPTIONS:\n"))
        for line in help[learnerSection.upperBound...].split(separator: "\n") where line.hasPrefix("        ") && !line.hasPrefix("         ") {
            XCTAssertTrue(line.hasSuffix(":"), "only a family heading stands 8 columns in, not a rewrapped word: '\(line)'")
        }
    }

    func testStableBaselinesNamesGetASuggestionBeforeTheStepsCheck() throws {
        let directory = try TemporaryDirectory("cli-sb3-names")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let cases: [([String], String)] = [
            (["sac", "--total-timesteps", "5000", "--run-dir", run], "unknown option '--total-timesteps'; did you mean --steps?"),
            (["sac", "--total_timesteps=5000", "--run-dir", run], "unknown option '--total_timesteps'; did you mean --steps?"),
            (["sac", "--learning-rate", "0.001", "--steps", "10", "--run-dir", run], "unknown option '--learning-rate'; did you mean --lr?"),
            (["td3", "--batch_size", "64", "--run-dir", run], "unknown option '--batch_size'; did you mean --batch?"),
            (["sac", "--buffer-size", "1000", "--run-dir", run], "did you mean --replay-capacity?"),
            (["ppo", "--n_steps", "64", "--run-dir", run], "unknown option '--n_steps'; did you mean --n-steps?"),
            (["sac", "--no-such-option", "--run-dir", run], "unknown option '--no-such-option'"),
        ]
        for (arguments, message) in cases {
            let result = try OffpolicyExecutable.run(["train"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            XCTAssertFalse(result.standardError.contains("--steps is required"), "\(arguments): \(result.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run))
    }
}
