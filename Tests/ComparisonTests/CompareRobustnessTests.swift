import Comparison
import Foundation
import TestSupport
import XCTest

/// `compare` and `plot` against a second `compare`, damaged run files, non-finite evaluations and
/// outputs that would overwrite a user's files, with real processes of the built executable.
final class CompareRobustnessTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-compare-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func compareArguments(steps: Int, out: URL, algorithms: String = "sac") -> [String] {
        ["compare", "--algos", algorithms, "--seeds", "1", "--steps", "\(steps)", "--hidden", "8,8", "--train-args", "--batch 8",
         "--eval-every", "100", "--eval-episodes", "1", "--jobs", "1", "--out", out.path]
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    private func assertPlain(_ text: String, _ what: String, line: UInt = #line) {
        for raw in ["NSCocoaErrorDomain", "Error Domain=", "DecodingError", "codingPath", "Fatal error"] {
            XCTAssertFalse(text.contains(raw), "\(what): a raw message (\(raw)): \(text)", line: line)
        }
    }

    /// Starts `offpolicy arguments...` in the background, its output discarded.
    private func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try OffpolicyExecutable.url()
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    func testTwoComparesOnOneOutNeverLoseAFinishedRun() throws {
        let out = directory.appendingPathComponent("cmp")
        let run = out.appendingPathComponent("runs/sac-seed0")
        let first = try TimedRun.offpolicy(compareArguments(steps: 200, out: out))
        XCTAssertEqual(first.output.status, 0, first.output.standardError)
        let finishedProgress = try text(run.appendingPathComponent("progress.csv"))

        // Two at once, both asking for the finished run: one runs, the other is refused naming it.
        let arguments = compareArguments(steps: 200, out: out)
        let results = [try start(arguments), try start(arguments)]
        for process in results { process.waitUntilExit() }
        XCTAssertTrue(results.allSatisfy { $0.terminationReason == .exit && $0.terminationStatus < 2 })
        XCTAssertEqual(try text(run.appendingPathComponent("progress.csv")), finishedProgress, "the finished run is untouched")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("replay/data.mdb").path))

        // A long compare holds the directory: a second one is refused in one sentence naming its process.
        let long = try start(compareArguments(steps: 100_000, out: out))
        defer { if long.isRunning { kill(long.processIdentifier, SIGKILL) } }
        let lockFile = out.appendingPathComponent("compare.lock")
        let deadline = Date().addingTimeInterval(60)
        while (try? text(lockFile))?.hasPrefix("\(long.processIdentifier)") != true && Date() < deadline { usleep(50_000) }
        let second = try TimedRun.offpolicy(compareArguments(steps: 200, out: out), timeout: 60)
        XCTAssertEqual(second.output.status, 1, second.output.standardError)
        XCTAssertTrue(second.output.standardError.contains("in use by another compare (process \(long.processIdentifier))"),
                      second.output.standardError)
        XCTAssertEqual(second.output.standardError.split(separator: "\n").count, 1, second.output.standardError)
        kill(long.processIdentifier, SIGINT)
        long.waitUntilExit()
        XCTAssertEqual(long.terminationStatus, 130)
        // The run was resumed by the long compare and checkpointed, not cleared: its first rows are still there.
        XCTAssertTrue(try text(run.appendingPathComponent("progress.csv")).hasPrefix(finishedProgress))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint/state.json").path))
    }

    func testAFolderHoldingARunIsNeverClearedEvenIfItsRecordSaysOtherwise() throws {
        let out = directory.appendingPathComponent("cmp")
        let run = out.appendingPathComponent("runs/sac-seed0")
        let first = try TimedRun.offpolicy(compareArguments(steps: 200, out: out))
        XCTAssertEqual(first.output.status, 0, first.output.standardError)
        // The record lost (as if written by another compare): the folder holds a run compare did not start.
        try FileManager.default.removeItem(at: run.appendingPathComponent("compare-run.json"))
        let again = try TimedRun.offpolicy(compareArguments(steps: 200, out: out))
        XCTAssertEqual(again.output.status, 64, again.output.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("replay/data.mdb").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("config.json").path))
    }

    func testANonFiniteFinalEvaluationIsReportedNeverReplacedByAnEarlierOne() throws {
        let out = directory.appendingPathComponent("cmp")
        let first = try TimedRun.offpolicy(compareArguments(steps: 200, out: out))
        XCTAssertEqual(first.output.status, 0, first.output.standardError)
        let progress = out.appendingPathComponent("runs/sac-seed0/progress.csv")
        var lines = try text(progress).split(separator: "\n").map(String.init)
        func setEvaluation(_ row: Int, _ value: String) {
            var fields = lines[row].split(separator: ",").map(String.init)
            fields[4] = value
            lines[row] = fields.joined(separator: ",")
        }
        setEvaluation(2, "nan")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: progress)

        let again = try TimedRun.offpolicy(compareArguments(steps: 200, out: out))
        XCTAssertEqual(again.output.status, 1, again.output.standardError)
        XCTAssertTrue(again.output.standardError.contains("sac seed 0: the final evaluation, at step 200, is nan"), again.output.standardError)
        let summary = try text(out.appendingPathComponent("summary.csv")).split(separator: "\n")
        XCTAssertEqual(summary[1].split(separator: ",", omittingEmptySubsequences: false)[6], "nan", String(summary[1]))
        XCTAssertTrue(try text(out.appendingPathComponent("curves.csv")).contains("sac,0,200,nan"))

        let chart = directory.appendingPathComponent("nan.svg")
        let plotted = try TimedRun.offpolicy(["plot", out.appendingPathComponent("runs/sac-seed0").path, "--out", chart.path])
        XCTAssertEqual(plotted.output.status, 0, plotted.output.standardError)
        XCTAssertTrue(plotted.output.standardError.contains("final evaluation, at step 200, is nan"), plotted.output.standardError)

        // Every evaluation NaN: said as such, by compare and by plot.
        setEvaluation(1, "nan")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: progress)
        let allNaN = try TimedRun.offpolicy(compareArguments(steps: 200, out: out))
        XCTAssertEqual(allNaN.output.status, 1, allNaN.output.standardError)
        XCTAssertTrue(allNaN.output.standardError.contains("every evaluation of the runs returned a value that is not finite"), allNaN.output.standardError)
        let plottedNaN = try TimedRun.offpolicy(["plot", out.appendingPathComponent("runs/sac-seed0").path, "--out",
                                                 directory.appendingPathComponent("all-nan.svg").path])
        XCTAssertEqual(plottedNaN.output.status, 1, plottedNaN.output.standardError)
        XCTAssertTrue(plottedNaN.output.standardError.contains("every evaluation of the runs returned a value that is not finite"),
                      plottedNaN.output.standardError)
        XCTAssertFalse(plottedNaN.output.standardError.contains("no run has an evaluation yet"))
    }

    func testPlotNeverOverwritesAnInputOrAFileItDidNotCreate() throws {
        let out = directory.appendingPathComponent("cmp")
        let first = try TimedRun.offpolicy(compareArguments(steps: 100, out: out))
        XCTAssertEqual(first.output.status, 0, first.output.standardError)
        let run = out.appendingPathComponent("runs/sac-seed0")
        let protected = [run.appendingPathComponent("progress.csv"), run.appendingPathComponent("config.json"),
                         run.appendingPathComponent("new.svg"), run.appendingPathComponent("replay/chart.svg"),
                         out.appendingPathComponent("curves.csv"), out.appendingPathComponent("chart.svg")]
        let before = try protected.filter { FileManager.default.fileExists(atPath: $0.path) }.map { try Data(contentsOf: $0) }
        for target in protected {
            for force in [false, true] {
                let result = try TimedRun.offpolicy(["plot", run.path, "--out", target.path] + (force ? ["--force"] : []))
                XCTAssertEqual(result.output.status, 64, "\(target.path): \(result.output.standardError)")
                XCTAssertTrue(result.output.standardError.contains("lies in the"), result.output.standardError)
            }
        }
        XCTAssertEqual(try protected.filter { FileManager.default.fileExists(atPath: $0.path) }.map { try Data(contentsOf: $0) }, before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("new.svg").path))

        // Through a symbolic link into the run directory.
        let link = directory.appendingPathComponent("link.svg")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: run.appendingPathComponent("progress.csv").path)
        let linked = try TimedRun.offpolicy(["plot", run.path, "--out", link.path, "--force"])
        XCTAssertEqual(linked.output.status, 64, linked.output.standardError)

        // A directory: one sentence.
        let asDirectory = try TimedRun.offpolicy(["plot", run.path, "--out", directory.path])
        XCTAssertEqual(asDirectory.output.status, 64, asDirectory.output.standardError)
        XCTAssertTrue(asDirectory.output.standardError.contains("is a directory"), asDirectory.output.standardError)
        assertPlain(asDirectory.output.standardError, "--out DIR")

        // A user's file: refused without --force, replaced with it.
        let mine = directory.appendingPathComponent("mine.svg")
        try Data("mine".utf8).write(to: mine)
        let refused = try TimedRun.offpolicy(["plot", run.path, "--out", mine.path])
        XCTAssertEqual(refused.output.status, 64, refused.output.standardError)
        XCTAssertTrue(refused.output.standardError.contains("exists"), refused.output.standardError)
        XCTAssertEqual(try text(mine), "mine")
        let forced = try TimedRun.offpolicy(["plot", run.path, "--out", mine.path, "--force"])
        XCTAssertEqual(forced.output.status, 0, forced.output.standardError)
        XCTAssertTrue(try text(mine).contains("<svg"))
    }

    func testCraftedRunFilesGetOneSentenceFromCompareAndPlot() throws {
        let out = directory.appendingPathComponent("cmp")
        let first = try TimedRun.offpolicy(compareArguments(steps: 100, out: out))
        XCTAssertEqual(first.output.status, 0, first.output.standardError)
        let pristine = directory.appendingPathComponent("pristine")
        try FileManager.default.copyItem(at: out, to: pristine)
        let crafted: [(String, String, Data)] = [
            ("config.json", "not JSON", Data("{\"environment\": ".utf8)),
            ("config.json", "wrong types", Data("{\"environment\": 5, \"steps\": \"x\", \"seed\": -1, \"learner\": {}}".utf8)),
            ("config.json", "not UTF-8", Data([0xFF, 0xFE, 0x00])),
            ("progress.csv", "not UTF-8", Data(("env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std,steps_per_s" + "\n100,0,0,nan,").utf8) + Data([0xFF]) + Data("\n".utf8)),
            ("progress.csv", "huge numbers", Data(("env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std,steps_per_s" + "\n1e400,0,0,nan,1e400,0,1\n").utf8)),
            ("progress.csv", "truncated header", Data("env_st".utf8)),
            ("compare-run.json", "wrong types", Data("{\"settings\": 5}".utf8)),
            ("compare-run.json", "not UTF-8", Data([0xC3, 0x28])),
        ]
        for (name, what, data) in crafted {
            try? FileManager.default.removeItem(at: out)
            try FileManager.default.copyItem(at: pristine, to: out)
            let file = out.appendingPathComponent("runs/sac-seed0").appendingPathComponent(name)
            try data.write(to: file)
            let compared = try TimedRun.offpolicy(compareArguments(steps: 100, out: out), timeout: 120)
            XCTAssertFalse(compared.hung || compared.signalled, "\(name), \(what): \(compared.output.standardError)")
            XCTAssertLessThan(compared.output.status, 128)
            assertPlain(compared.output.standardError, "compare, \(name), \(what)")
            let plotted = try TimedRun.offpolicy(["plot", out.path, "--out", directory.appendingPathComponent("\(UUID().uuidString).svg").path])
            XCTAssertFalse(plotted.hung || plotted.signalled, "\(name), \(what)")
            XCTAssertLessThan(plotted.output.status, 128)
            assertPlain(plotted.output.standardError, "plot, \(name), \(what)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("runs/sac-seed0/replay/data.mdb").path),
                          "\(name), \(what): nothing of the run is lost")
        }
    }
}
