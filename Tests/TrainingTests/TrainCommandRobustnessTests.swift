import Foundation
import TestSupport
import RunFiles
@testable import Training
import TrainingRuns
import XCTest

/// `offpolicy train` and `evaluate` misused the way an unlucky user would: every case ends in exit
/// status 1 or 64 with one plain sentence naming the input, never a signal or a trap.
final class TrainCommandRobustnessTests: XCTestCase {
    private func train(_ arguments: [String]) throws -> OffpolicyExecutable.Output {
        try OffpolicyExecutable.run(["train"] + arguments)
    }

    /// A `train` process running in the background.
    private func startTraining(_ run: String, steps: Int = 1_000_000) throws -> Process {
        let process = Process()
        process.executableURL = try OffpolicyExecutable.url()
        process.arguments = ["train", "sac", "--steps", "\(steps)", "--hidden", "8,8", "--batch", "8", "--eval-every", "500",
                             "--eval-episodes", "1", "--run-dir", run]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until it holds the lock and has stepped (its store exists and a checkpoint was written).
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: run + "/checkpoint/state.json") && Date() < deadline { usleep(50_000) }
        return process
    }

    func testASecondProcessOnARunDirectoryIsRefusedAndAKilledOwnerDoesNotBlock() throws {
        let directory = try TemporaryDirectory("cli-lock")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let first = try startTraining(run)
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        XCTAssertTrue(first.isRunning)

        let resumed = try train(["--resume", run, "--steps", "2000"])
        XCTAssertEqual(resumed.status, 1, resumed.standardError)
        XCTAssertTrue(resumed.standardError.contains("run directory \(run) in use by process \(first.processIdentifier)"), resumed.standardError)
        let fresh = try train(["sac", "--steps", "100", "--run-dir", run])
        XCTAssertEqual(fresh.status, 1, fresh.standardError)
        XCTAssertTrue(fresh.standardError.contains("in use by process \(first.processIdentifier)"), fresh.standardError)

        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let after = try train(["--resume", run, "--steps", "600"])
        XCTAssertEqual(after.status, 0, "a lock left by a killed process does not block: " + after.standardError)
    }

    func testSIGTERMCheckpointsAndExitsWith143() throws {
        let directory = try TemporaryDirectory("cli-sigterm")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let process = try startTraining(run)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 143)
        let resumed = try TrainingRun.resumeSession(in: URL(fileURLWithPath: run))
        XCTAssertGreaterThan(resumed.environmentSteps, 500)
    }

    func testARunStoppedBeforeItsFirstCheckpointRestartsOnResume() throws {
        let directory = try TemporaryDirectory("cli-no-checkpoint")
        defer { directory.remove() }
        let run = directory.appending("run")
        // config.json, headers and the store exist; no step was checkpointed (the process died).
        _ = try TrainingRun.startSession(SmallRuns.sac(steps: 150, seed: 1), in: run)
        let again = try train(["sac", "--steps", "150", "--run-dir", run.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.standardError.contains("--resume \(run.path)"), again.standardError)
        let resumed = try train(["--resume", run.path])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertTrue(resumed.standardError.contains("stopped before its first checkpoint; restarting it from step 0"), resumed.standardError)
        XCTAssertEqual(try ProgressRow.read(from: run.appendingPathComponent("progress.csv")).map(\.environmentSteps), [150])
    }

    /// The repository's Pendulum medium dataset (a DatasetsTests fixture).
    private static let medium = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures/pendulum-medium.hdf5").path

    func testBadArgumentsGetOneSentenceNamingTheInput() throws {
        let directory = try TemporaryDirectory("cli-arguments")
        defer { directory.remove() }
        let file = directory.appending("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let run = directory.appending("run").path
        let cases: [([String], String)] = [
            (["sac", "--steps", "10", "--run-dir", ""], "--run-dir must not be empty"),
            (["sac", "--steps", "10", "--run-dir", file], "--run-dir: '\(file)' is a file, not a directory"),
            (["sac", "--steps", "10", "--run-dir", file + "/run"], "lies under '\(file)', which is a file"),
            (["sac", "--steps", "-5", "--run-dir", run], "--steps must be at least 1, got -5"),
            (["sac", "--steps", "10", "--hidden", "64,,64", "--run-dir", run], "--hidden must be positive widths separated by commas"),
            (["sac", "--steps", "10", "--hidden", "9223372036854775807", "--run-dir", run], "--hidden: each width must be at most 65536"),
            (["sac", "--steps", "10", "--batch", "100000000000", "--run-dir", run], "--batch must be at most 1048576"),
            (["sac", "--steps", "9223372036854775807", "--run-dir", run], "--steps must be at most"),
            (["--resume", directory.url.path, "--steps", "10", "--seed", "5"], "only --steps may be changed, not --seed"),
            (["--resume", directory.url.path, "--env", "Pendulum-v1"], "only --steps may be changed, not --env"),
            (["td3", "--steps", "10", "--deterministic", "--run-dir", run], "--deterministic applies to bc, not to td3"),
            (["td3bc", "--steps", "10", "--run-dir", run], "td3bc learns from logged data: give --dataset"),
            (["sac", "--steps", "10", "--dataset", directory.appending("nowhere").path, "--run-dir", run], "--dataset: '"),
            (["sac", "--steps", "10", "--n-step", "3", "--clip", "5", "--run-dir", run], "--clip applies to --correction is and --actor-gradient truncated-is"),
            (["td3", "--steps", "10", "--actor-gradient", "truncated-is", "--run-dir", run], "--actor-gradient applies to sac, not to td3"),
            (["sac", "--steps", "10", "--envs", "0", "--run-dir", run], "Error: --envs must be at least 1, got 0"),
            (["sac", "--steps", "10", "--envs", "99999999999", "--run-dir", run], "Error: --envs must be at most 1024, got 99999999999"),
            (["sac", "--steps", "10", "--gradient-steps", "-2", "--run-dir", run],
             "Error: --gradient-steps must be -1 (one per transition collected) or lie in 1...1000, got -2"),
            (["sac", "--steps", "10", "--n-envs", "2", "--run-dir", run], "Error: sac takes its environment copies as --envs N; --n-envs is the on-policy learners' name for it"),
            (["ppo", "--steps", "10", "--envs", "3", "--n-envs", "2", "--run-dir", run], "Error: --envs 3 and --n-envs 2 name the same setting with different values; give one of them"),
            (["--resume", directory.url.path, "--envs", "2"], "only --steps may be changed, not --envs"),
            (["td3bc", "--dataset", Self.medium, "--steps", "10", "--envs", "2", "--run-dir", run],
             "Error: --envs sets the environment copies of an online run; an offline run (--dataset) steps no environment"),
            (["td3bc", "--dataset", Self.medium, "--env", "Pendulum-v1", "--steps", "10", "--online-steps", "10", "--envs", "2", "--run-dir", run],
             "Error: --envs applies to online runs from the start; the online part of a run that trained offline first (--online-steps) steps one environment"),
        ]
        for (arguments, message) in cases {
            let result = try train(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            XCTAssertLessThan(result.standardError.split(separator: "\n").count, 4, "a short message, not a usage dump: \(result.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run), "no bad invocation created the run directory")
    }

    func testBenchUpdateRefusesAbsurdSizes() throws {
        let cases: [([String], String)] = [
            (["--hidden", "9223372036854775807"], "--hidden: each width must be at most 65536"),
            (["--batch", "100000000000"], "--batch must be at most 1048576"),
            (["--transitions", "9223372036854775807"], "--transitions must be at most 100000000"),
            (["--batch", "-3"], "--batch must be at least 1, got -3"),
        ]
        for (arguments, message) in cases {
            let result = try OffpolicyExecutable.run(["bench", "update"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }

    /// A prefill or dataset that cannot be used is an error before anything is written, and leaves no
    /// half-built run directory behind (which could neither start again nor resume).
    func testUnusableDataLeavesNoRunDirectory() throws {
        let directory = try TemporaryDirectory("cli-bad-data")
        defer { directory.remove() }
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DatasetsTests/Fixtures/pendulum-medium.hdf5").path
        let text = directory.appending("not-hdf5.hdf5").path
        try Data("not an HDF5 file".utf8).write(to: URL(fileURLWithPath: text))
        let run = directory.appending("run").path
        let cases: [([String], String)] = [
            (["sac", "--env", "MountainCarContinuous-v0", "--prefill", fixture, "--steps", "10", "--run-dir", run],
             "Error: the dataset \(fixture) holds 3-d observations and 1-d actions; MountainCarContinuous-v0 has 2 and 1"),
            (["td3bc", "--env", "MountainCarContinuous-v0", "--dataset", fixture, "--steps", "10", "--run-dir", run],
             "holds 3-d observations and 1-d actions; MountainCarContinuous-v0 has 2 and 1"),
            (["bc", "--dataset", text, "--steps", "10", "--run-dir", run], "not-hdf5.hdf5"),
        ]
        for (arguments, message) in cases {
            let result = try train(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: run), "\(arguments): no run directory is left behind")
        }
    }
}
