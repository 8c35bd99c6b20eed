import Foundation
import TestSupport
import XCTest

/// `--threads` through the built `offpolicy`: a run's files do not depend on it, also across a resume with
/// another count; 0 and absurd counts are refused with one sentence and exit status 64.
final class ThreadsCommandTests: XCTestCase {
    /// 128-128 networks and batch 64: the hidden layers' products (64 × 128 × 128) are just large enough to
    /// be cut over the threads where the packed kernel runs (`BLAS.cutsOverThreads`).
    private func train(_ run: URL, steps: Int, threads: Int) throws -> OffpolicyExecutable.Output {
        try OffpolicyExecutable.run(["train", "sac", "--steps", "\(steps)", "--seed", "5", "--hidden", "128,128", "--batch", "64",
                                     "--learning-starts", "64", "--eval-every", "100", "--eval-episodes", "1",
                                     "--run-dir", run.path, "--threads", "\(threads)"])
    }

    /// progress.csv without its timing column, metrics.csv and the policy's bytes.
    private func files(of run: URL) throws -> [Data] {
        let progress = try String(contentsOf: run.appendingPathComponent("progress.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",").dropLast().joined(separator: ",") }.joined(separator: "\n")
        return [Data(progress.utf8), try Data(contentsOf: run.appendingPathComponent("metrics.csv")),
                try Data(contentsOf: run.appendingPathComponent("policy.safetensors"))]
    }

    func testTwoThreadsGiveTheBitsOfOneAlsoAcrossAResume() throws {
        let directory = try TemporaryDirectory("threads")
        defer { directory.remove() }
        let one = directory.appending("one"), two = directory.appending("two"), mixed = directory.appending("mixed")
        for (run, threads) in [(one, 1), (two, 2)] {
            let result = try train(run, steps: 300, threads: threads)
            XCTAssertEqual(result.status, 0, result.standardError)
        }
        let expected = try files(of: one)
        XCTAssertEqual(String(decoding: expected[0], as: UTF8.self).split(separator: "\n").count, 4, "header and rows at 100, 200, 300")
        XCTAssertEqual(try files(of: two), expected)

        // Started on 2 threads, resumed on 1: --resume takes --threads, and the run is the same.
        let first = try train(mixed, steps: 200, threads: 2)
        XCTAssertEqual(first.status, 0, first.standardError)
        let resumed = try OffpolicyExecutable.run(["train", "--resume", mixed.path, "--steps", "300", "--threads", "1"])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertEqual(try files(of: mixed), expected)

        // Another seed gives other files (the comparisons above can fail).
        let other = try OffpolicyExecutable.run(["train", "sac", "--steps", "300", "--seed", "6", "--hidden", "128,128", "--batch", "64",
                                                 "--learning-starts", "64", "--eval-every", "100", "--eval-episodes", "1",
                                                 "--run-dir", directory.appending("other").path, "--threads", "2"])
        XCTAssertEqual(other.status, 0, other.standardError)
        XCTAssertNotEqual(try files(of: directory.appending("other"))[2], expected[2])
    }

    func testZeroAndAbsurdThreadCountsAreRefused() throws {
        let directory = try TemporaryDirectory("threads-refused")
        defer { directory.remove() }
        let commands: [[String]] = [
            ["train", "sac", "--steps", "100", "--run-dir", directory.appending("run").path],
            ["bench", "update", "--rounds", "1", "--seconds", "0.1"],
            ["compare", "--algos", "sac", "--steps", "100", "--out", directory.appending("cmp").path],
        ]
        for command in commands {
            for (value, shown) in [("0", "0"), ("-3", "-3"), ("257", "257"), ("100000000", "100000000")] {
                let result = try OffpolicyExecutable.run(command + ["--threads", value])
                XCTAssertEqual(result.status, 64, "\(command[0]) --threads \(value): \(result.standardError)")
                XCTAssertEqual(result.standardError.split(separator: "\n").first.map(String.init),
                               "Error: --threads must be a whole number from 1 to 256, got \(shown)", command[0])
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appending("run").path), "nothing was created")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appending("cmp").path), "nothing was created")
    }
}
