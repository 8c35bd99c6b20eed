import Foundation
import TestSupport
import XCTest

/// `offpolicy train` as a real process whose standard error is a pipe, not a terminal: a line per
/// metrics row and evaluation, none with `--quiet`; metrics.csv rows that cover every update, also
/// across a checkpoint and `--resume` (issue 17, section 3).
final class RunLogCommandTests: XCTestCase {
    private let common = ["--hidden", "16,16", "--batch", "32", "--eval-every", "100", "--eval-episodes", "1", "--log-every", "70", "--seed", "7"]

    /// The (updates, updates_in_row) of each metrics.csv row.
    private func counts(_ run: String) throws -> [[Int]] {
        try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").dropFirst().prefix(2).map { Int($0)! } }
    }

    func testQuietPrintsNothingButTheSummaryAndTheFilesAreTheSame() throws {
        let directory = try TemporaryDirectory("cli-quiet")
        defer { directory.remove() }
        let logged = directory.appending("logged").path, quiet = directory.appending("quiet").path
        let first = try OffpolicyExecutable.run(["train", "sac", "--steps", "250", "--run-dir", logged] + common)
        XCTAssertEqual(first.status, 0, first.standardError)
        XCTAssertEqual(first.standardError.split(separator: "\n").map(String.init),
                       try ExpectedLogLines.lines(in: URL(fileURLWithPath: logged), totalSteps: 250, evaluationEpisodes: 1))
        // Updates from step 101 to 250: a row after 70, at the checkpoint at step 200 (update 100), then at the
        // end (150, before 70 more).
        XCTAssertEqual(try counts(logged), [[70, 70], [100, 30], [150, 50]])
        XCTAssertEqual(try counts(logged).map { $0[1] }.reduce(0, +), 150)

        let second = try OffpolicyExecutable.run(["train", "sac", "--steps", "250", "--run-dir", quiet, "--quiet"] + common)
        XCTAssertEqual(second.status, 0, second.standardError)
        XCTAssertEqual(second.standardError, "")
        XCTAssertEqual(second.standardOutput.replacingOccurrences(of: quiet, with: "DIR"), first.standardOutput.replacingOccurrences(of: logged, with: "DIR"))
        XCTAssertEqual(try String(contentsOfFile: quiet + "/metrics.csv", encoding: .utf8), try String(contentsOfFile: logged + "/metrics.csv", encoding: .utf8))
    }

    /// A run finished at step 200 (a checkpoint) and resumed to 300 writes the metrics rows of a 300-step
    /// run; the resumed process logs only its own rows and evaluations.
    func testResumingAfterTheEndWritesTheRowsOfOneRun() throws {
        let directory = try TemporaryDirectory("cli-resume-rows")
        defer { directory.remove() }
        let whole = directory.appending("whole").path, split = directory.appending("split").path
        XCTAssertEqual(try OffpolicyExecutable.run(["train", "sac", "--steps", "300", "--run-dir", whole, "--quiet"] + common).status, 0)
        XCTAssertEqual(try OffpolicyExecutable.run(["train", "sac", "--steps", "200", "--run-dir", split, "--quiet"] + common).status, 0)
        XCTAssertEqual(try counts(split), [[70, 70], [100, 30]])
        let resumed = try OffpolicyExecutable.run(["train", "--resume", split, "--steps", "300"])
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        XCTAssertEqual(try String(contentsOfFile: split + "/metrics.csv", encoding: .utf8), try String(contentsOfFile: whole + "/metrics.csv", encoding: .utf8))
        XCTAssertEqual(try counts(split), [[70, 70], [100, 30], [170, 70], [200, 30]])
        let expected = try ExpectedLogLines.lines(in: URL(fileURLWithPath: split), totalSteps: 300, evaluationEpisodes: 1)
            .filter { line in Int(line.split(separator: " ")[1].split(separator: "/")[0])! > 200 }
        XCTAssertEqual(resumed.standardError.split(separator: "\n").map(String.init), expected)
        XCTAssertEqual(expected.count, 3, "rows at 170 and 200 updates, the evaluation at step 300")
    }
    /// Standard output into a pipe shows the run's first line while the run goes on, not at its end (a log
    /// under nohup or a batch system).
    func testTheFirstLineReachesAPipeWhileTheRunGoesOn() throws {
        let directory = try TemporaryDirectory("cli-line-buffered")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let process = Process()
        process.executableURL = try OffpolicyExecutable.url()
        process.arguments = ["train", "sac", "--steps", "1000000", "--run-dir", run, "--quiet"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() }; process.waitUntilExit() }
        let firstLine = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var received = ""
        let reader = output.fileHandleForReading
        DispatchQueue.global().async {
            while !received.contains("\n") {
                let data = reader.availableData
                if data.isEmpty { break }
                received += String(decoding: data, as: UTF8.self)
            }
            firstLine.signal()
        }
        let arrived = firstLine.wait(timeout: .now() + 120) == .success
        XCTAssertTrue(process.isRunning, "the million-step run was still going when its first line arrived")
        process.interrupt()
        process.waitUntilExit()
        // The reader stops at the end of the output; only then is `received` read here.
        if !arrived { firstLine.wait() }
        XCTAssertTrue(arrived, "no line within 120 s")
        XCTAssertTrue(received.hasPrefix("training sac on Pendulum-v1 for 1000000 steps (seed 0) into \(run)\n"), received)
    }
}
