import Environments
import Foundation
import Learners
import ReplayStore
import RunFiles
import TestSupport
@testable import Training
import TrainingRuns
import XCTest

/// IQL and CQL as `offpolicy train` runs them: offline from the repository's Pendulum medium dataset, their
/// refusals, and divergence.
final class OfflineLearnerRunTests: XCTestCase {
    /// datasets/pendulum-medium.hdf5: 10,000 transitions of a SAC policy whose episodes return −511 on average;
    /// uniformly random actions return −1240 (datasets/README.md).
    private var mediumDataset: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("datasets/pendulum-medium.hdf5").path
    }

    /// 3000 IQL updates on the medium dataset, 64-64 networks: the deterministic policy's mean return over
    /// 10 evaluation episodes beats the random policy's −1240 by more than 500 (on this machine, −1xx).
    func testIQLLearnsPendulumFromTheMediumDataset() throws {
        let directory = try TemporaryDirectory("iql-medium")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let result = try OffpolicyExecutable.run(["train", "iql", "--dataset", mediumDataset, "--steps", "3000", "--hidden", "64,64",
                                                  "--eval-every", "3000", "--eval-episodes", "10", "--seed", "1", "--quiet", "--run-dir", run])
        XCTAssertEqual(result.status, 0, result.standardError)
        let rows = try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv"))
        XCTAssertEqual(rows.map(\.updates), [3000])
        XCTAssertEqual(rows.map(\.environmentSteps), [0], "offline: no environment step is taken for training")
        let evaluation = try XCTUnwrap(rows.last).evaluationReturnMean
        XCTAssertGreaterThan(evaluation, -740, "random: −1240, the dataset's behavior: −511")
        let policy = try Data(contentsOf: URL(fileURLWithPath: run + "/policy.safetensors"))
        XCTAssertNotNil(String(decoding: policy.prefix(400), as: UTF8.self).range(of: "\"algorithm\":\"iql\""))
    }

    func testIQLAndCQLWithoutDataOrEnvironmentAreRefused() throws {
        let directory = try TemporaryDirectory("offline-refusals")
        defer { directory.remove() }
        for algorithm in ["iql", "cql"] {
            let run = directory.appending(algorithm).path
            let result = try OffpolicyExecutable.run(["train", algorithm, "--steps", "10", "--run-dir", run])
            XCTAssertEqual(result.status, 64, result.standardError)
            XCTAssertEqual(result.standardError.split(separator: "\n").first.map(String.init),
                           "Error: \(algorithm) learns from a logged dataset first and may go on online: give --dataset FILE_OR_STORE, --env ID, or both")
            XCTAssertFalse(FileManager.default.fileExists(atPath: run))
        }
    }

    /// Pendulum's data (3-d observations) on MountainCarContinuous (2-d): refused naming both widths,
    /// before the run directory or an imported copy exists.
    func testADatasetOfOtherWidthsIsRefusedBeforeAnythingIsWritten() throws {
        let directory = try TemporaryDirectory("offline-widths")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let result = try OffpolicyExecutable.run(["train", "iql", "--dataset", mediumDataset, "--env", "MountainCarContinuous-v0",
                                                  "--steps", "10", "--run-dir", run])
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertEqual(result.standardError.split(separator: "\n").first.map(String.init),
                       "Error: the dataset \(mediumDataset) holds 3-d observations and 1-d actions; MountainCarContinuous-v0 has 2 and 1")
        XCTAssertEqual(result.standardOutput, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: run))
    }

    /// A loss that overflows stops an IQL or CQL run as any other learner's: `learner diverged at update N`,
    /// exit status 1, and no checkpoint from the diverged parameters.
    func testNonFiniteLossesStopTheRun() throws {
        let directory = try TemporaryDirectory("offline-diverge")
        defer { directory.remove() }
        for algorithm in ["iql", "cql"] {
            let run = directory.appending(algorithm).path
            let result = try OffpolicyExecutable.run(["train", algorithm, "--env", "Pendulum-v1", "--steps", "300", "--learning-starts", "50",
                                                      "--lr", "1e30", "--hidden", "16,16", "--batch", "32", "--eval-every", "100",
                                                      "--quiet", "--run-dir", run])
            XCTAssertEqual(result.status, 1, "\(algorithm): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("learner diverged at update "), result.standardError)
            XCTAssertFalse(FileManager.default.fileExists(atPath: run + "/checkpoint"), "\(algorithm): no checkpoint from diverged parameters")
        }
    }
}
