import Datasets
import Foundation
import Learners
import OffPolicyEvaluation
import Randomness
import TestSupport
import XCTest

/// `offpolicy ope` as a user runs it: a tiny Pendulum dataset written as a D4RL file, a behavior-cloning
/// policy trained on it by `offpolicy train`, and the refusals with their exact sentences.
final class OPECommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-ope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Three time-limited episodes of 4 steps with observationSize-d observations, actions in [−2, 2] and
    /// behavior log-probabilities (or none).
    private func writeDataset(_ name: String, observationSize: Int = 3, logProbabilities: Bool = true) throws -> String {
        var generator = SeededGenerator(seed: 9)
        let rows = 12
        let observations = (0..<(rows * observationSize)).map { _ in generator.nextFloat(in: -1, 1) }
        let next = (0..<(rows * observationSize)).map { _ in generator.nextFloat(in: -1, 1) }
        let actions = (0..<rows).map { _ in generator.nextFloat(in: -1.5, 1.5) }
        let rewards = (0..<rows).map { _ in generator.nextFloat(in: -3, 0) }
        let timeouts = (0..<rows).map { $0 % 4 == 3 }
        let logs = logProbabilities ? (0..<rows).map { _ in generator.nextFloat(in: -2, -1) } : nil
        let dataset = LoggedDataset(format: .d4rl, observationSize: observationSize, actionSize: 1, observations: observations, actions: actions,
                                    rewards: rewards, nextObservations: next, terminals: [Bool](repeating: false, count: rows),
                                    timeouts: timeouts, behaviorLogProbabilities: logs)
        let path = directory.appendingPathComponent(name).path
        try D4RLFile.write(dataset, to: path)
        return path
    }

    /// A Gaussian behavior-cloning policy of Pendulum-v1, trained for a few updates on `dataset`.
    private func trainPolicy(on dataset: String, algorithm: String = "bc", name: String = "policy") throws -> String {
        let run = directory.appendingPathComponent(name).path
        let train = try OffpolicyExecutable.run(["train", algorithm, "--env", "Pendulum-v1", "--dataset", dataset, "--steps", "20", "--hidden", "8,8",
                                                 "--batch", "4", "--eval-every", "20", "--eval-episodes", "1", "--run-dir", run])
        XCTAssertEqual(train.status, 0, train.standardError)
        return run
    }

    private func ope(_ arguments: [String]) throws -> OffpolicyExecutable.Output {
        try OffpolicyExecutable.run(["ope"] + arguments + ["--fqe-updates", "30", "--bootstrap", "50"])
    }

    private func lastJSON(_ output: String) throws -> [String: Any] {
        let line = try XCTUnwrap(output.split(separator: "\n").last)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    func testEveryEstimatorThroughTheCommand() throws {
        let dataset = try writeDataset("tiny.hdf5")
        let policy = try trainPolicy(on: dataset)
        let result = try ope(["--policy", policy, "--dataset", dataset, "--gamma", "0.9", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("3 episodes (0 terminated, 3 truncated, 0 unfinished), 12 steps"), result.standardOutput)
        let report = try lastJSON(result.standardOutput)
        let estimates = try XCTUnwrap(report["estimates"] as? [[String: Any]])
        XCTAssertEqual(estimates.map { $0["estimator"] as? String }, ["is", "wis", "pdis", "wpdis", "fqe", "dr", "wdr"])
        XCTAssertEqual(report["episodes"] as? Int, 3)
        XCTAssertEqual(report["fqe_updates"] as? Int, 30)
        XCTAssertEqual((report["skipped"] as? [Any])?.count, 0)
        let fqeSettings = (report["settings"] as? [String: Any])?["fqe"] as? [String: Any]
        XCTAssertEqual(fqeSettings?["clips_to_reward_range"] as? Bool, true, "FQE's values are clipped by default")
        for estimate in estimates {
            let value = try XCTUnwrap(estimate["value"] as? Double, "\(estimate)")
            let (lower, upper) = (try XCTUnwrap(estimate["lower"] as? Double), try XCTUnwrap(estimate["upper"] as? Double))
            XCTAssertTrue(lower <= upper && value.isFinite, "\(estimate)")
        }
        // Without FQE, the IS estimate is the same (nothing it uses depends on the fit), and WIS with one
        // episode's weight repeated would equal that episode's return: check IS against the trajectory
        // weights the policy file implies through a second run with the clip at a tiny C, where every ratio
        // is clipped: IS = C^4 · mean G, and the clipped share is 1.
        let clipped = try ope(["--policy", policy, "--dataset", dataset, "--gamma", "0.9", "--estimators", "is,wis", "--clip", "1e-3", "--json"])
        XCTAssertEqual(clipped.status, 0, clipped.standardError)
        let clippedReport = try lastJSON(clipped.standardOutput)
        let clippedEstimates = try XCTUnwrap(clippedReport["estimates"] as? [[String: Any]])
        let logged = try LoggedDataset.read(from: dataset)
        var meanReturn = 0.0
        for e in 0..<3 {
            for t in 0..<4 { meanReturn += pow(0.9, Double(t)) * Double(logged.rewards[e * 4 + t]) }
        }
        meanReturn /= 3
        let isValue = try XCTUnwrap(clippedEstimates[0]["value"] as? Double)
        let wisValue = try XCTUnwrap(clippedEstimates[1]["value"] as? Double)
        XCTAssertEqual(clippedEstimates[0]["clipped_share"] as? Double, 1)
        XCTAssertEqual(wisValue, meanReturn, accuracy: 1e-9, "every weight clipped to C⁴: WIS is the mean discounted return")
        XCTAssertEqual(isValue, 1e-12 * meanReturn, accuracy: 1e-18)
    }

    func testMissingBehaviorLogProbabilitiesSkipTheISFamilyAndFQERuns() throws {
        let withLogs = try writeDataset("tiny.hdf5")
        let dataset = try writeDataset("nologs.hdf5", logProbabilities: false)
        let policy = try trainPolicy(on: withLogs)
        let reason = "the dataset \(dataset) has no behavior log-probabilities (key infos/action_log_probs), so the importance ratios π/μ are unknown"
        let all = try ope(["--policy", policy, "--dataset", dataset, "--json"])
        XCTAssertEqual(all.status, 0, all.standardError)
        XCTAssertTrue(all.standardOutput.contains("skipped is, wis, pdis, wpdis, dr, wdr: " + reason), all.standardOutput)
        let report = try lastJSON(all.standardOutput)
        XCTAssertEqual((report["estimates"] as? [[String: Any]])?.map { $0["estimator"] as? String }, ["fqe"])
        XCTAssertEqual((report["skipped"] as? [[String: Any]])?.first?["reason"] as? String, reason)

        let refused = try ope(["--policy", policy, "--dataset", dataset, "--estimators", "is,wis"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertEqual(refused.standardError.trimmingCharacters(in: .whitespacesAndNewlines), "Error: " + reason)
    }

    /// `--fqe-unclipped` reaches the settings; FQE still runs.
    func testUnclippedFQEIsASetting() throws {
        let dataset = try writeDataset("tiny.hdf5")
        let policy = try trainPolicy(on: dataset)
        let result = try ope(["--policy", policy, "--dataset", dataset, "--estimators", "fqe", "--fqe-unclipped", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let report = try lastJSON(result.standardOutput)
        let fqeSettings = (report["settings"] as? [String: Any])?["fqe"] as? [String: Any]
        XCTAssertEqual(fqeSettings?["clips_to_reward_range"] as? Bool, false)
        XCTAssertNotNil((report["estimates"] as? [[String: Any]])?.first?["value"] as? Double)
    }

    func testDeterministicTargetRefusesTheISFamily() throws {
        let dataset = try writeDataset("tiny.hdf5")
        let policy = try trainPolicy(on: dataset)
        let refused = try ope(["--policy", policy, "--dataset", dataset, "--estimators", "pdis", "--deterministic"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertEqual(refused.standardError.trimmingCharacters(in: .whitespacesAndNewlines),
                       "Error: the deterministic action (--deterministic) has no density π(a|s), so the importance ratios π/μ do not exist and only FQE applies")
        let fqe = try ope(["--policy", policy, "--dataset", dataset, "--deterministic", "--json"])
        XCTAssertEqual(fqe.status, 0, fqe.standardError)
        XCTAssertEqual(try lastJSON(fqe.standardOutput)["target_policy"] as? String, "deterministic")
    }

    func testMismatchedWidthsAreRefusedNamingBoth() throws {
        let pendulum = try writeDataset("tiny.hdf5")
        let other = try writeDataset("wide.hdf5", observationSize: 5)
        let policy = try trainPolicy(on: pendulum)
        let refused = try ope(["--policy", policy, "--dataset", other])
        XCTAssertEqual(refused.status, 64)
        XCTAssertEqual(refused.standardError.trimmingCharacters(in: .whitespacesAndNewlines),
                       "Error: the policy \(policy) takes 3-d observations and 1-d actions, but the dataset \(other) holds 5-d observations and 1-d actions")
    }

    func testPolicyWithoutDensityGetsFQEOnly() throws {
        let dataset = try writeDataset("tiny.hdf5")
        let policy = try trainPolicy(on: dataset, algorithm: "td3bc", name: "td3bc")
        let result = try ope(["--policy", policy, "--dataset", dataset, "--estimators", "wis,fqe"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("skipped wis: the TD3 policy of \(policy) acts deterministically and has no density π(a|s), so the importance ratios π/μ do not exist and only FQE applies"),
                      result.standardOutput)
    }
}
