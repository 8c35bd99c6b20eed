import Foundation
import TestSupport
import XCTest

/// A run directory's own files damaged or crafted the way an unlucky (or hostile) user might, through
/// the real `train --resume` and `evaluate`: every case ends in an exit status below 128 within its
/// deadline, with one sentence naming the file, never a raw Foundation error, and no file is lost.
final class RunFilesRobustnessTests: XCTestCase {
    private var directory: TemporaryDirectory!
    /// A finished 300-step run: evaluations and checkpoints at 100, 200 and 300 steps.
    private var base: URL!

    override func setUpWithError() throws {
        directory = try TemporaryDirectory("run-files")
        base = directory.appending("base")
        let made = try TimedRun.offpolicy(["train", "sac", "--steps", "300", "--hidden", "8,8", "--batch", "8", "--eval-every", "100",
                                           "--eval-episodes", "1", "--log-every", "50", "--run-dir", base.path])
        XCTAssertEqual(made.output.status, 0, made.output.standardError)
    }

    override func tearDown() { directory.remove() }

    /// A copy of the finished run, changed by `damage`.
    private func damagedRun(_ name: String, _ damage: (URL) throws -> Void) throws -> URL {
        let run = directory.appending(name)
        try FileManager.default.copyItem(at: base, to: run)
        try damage(run)
        return run
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Exit status 1 within the deadline, one `Error:` line naming `file`, nothing raw.
    private func assertRefused(_ result: TimedRun.Result, naming file: String, _ what: String,
                               line: UInt = #line) {
        XCTAssertFalse(result.hung, "\(what): hung", line: line)
        XCTAssertFalse(result.signalled, "\(what): ended by a signal", line: line)
        XCTAssertEqual(result.output.status, 1, "\(what): \(result.output.standardError)", line: line)
        assertPlain(result.output.standardError, what, line: line)
        let errors = result.output.standardError.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        XCTAssertEqual(errors.count, 1, "\(what): \(result.output.standardError)", line: line)
        XCTAssertTrue(errors.first?.contains(file) ?? false, "\(what): the message names \(file): \(result.output.standardError)", line: line)
    }

    private func assertPlain(_ text: String, _ what: String, line: UInt = #line) {
        for raw in ["NSCocoaErrorDomain", "Error Domain=", "DecodingError", "codingPath", "Fatal error", "permission"] {
            XCTAssertFalse(text.contains(raw), "\(what): a raw message (\(raw)): \(text)", line: line)
        }
    }

    private func editConfig(_ run: URL, _ edit: (inout [String: Any]) -> Void) throws {
        let file = run.appendingPathComponent("config.json")
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        edit(&object)
        try JSONSerialization.data(withJSONObject: object).write(to: file)
    }

    func testATamperedConfigIsRefusedByResumeAndEvaluateWithTheCommandLinesRules() throws {
        let cases: [(String, (URL) throws -> Void)] = [
            ("gradient steps 1e12", { try self.editConfig($0) { $0["gradientStepsPerStep"] = 1e12 } }),
            ("negative steps", { try self.editConfig($0) { $0["steps"] = -5 } }),
            ("huge steps", { try self.editConfig($0) { $0["steps"] = 1e300 } }),
            ("steps as a string", { try self.editConfig($0) { $0["steps"] = "many" } }),
            ("evaluation episodes 0", { try self.editConfig($0) { $0["evaluationEpisodes"] = 0 } }),
            ("metrics interval negative", { try self.editConfig($0) { $0["metricsInterval"] = -1 } }),
            ("replay capacity huge", { try self.editConfig($0) { $0["replayCapacity"] = Int(1) << 62 } }),
            ("no environment", { try self.editConfig($0) { $0["environment"] = "" } }),
            ("learner batch negative", { try self.editConfig($0) { config in
                var learner = config["learner"] as! [String: Any], inner = learner["config"] as! [String: Any]
                var common = inner["common"] as! [String: Any]
                common["batchSize"] = -1
                inner["common"] = common; learner["config"] = inner; config["learner"] = learner } }),
            ("learner n-step out of its declared range", { try self.editConfig($0) { config in
                var learner = config["learner"] as! [String: Any], inner = learner["config"] as! [String: Any]
                inner["nStep"] = 0
                learner["config"] = inner; config["learner"] = learner } }),
            ("unknown learner", { try self.editConfig($0) { config in
                var learner = config["learner"] as! [String: Any]
                learner["algorithm"] = "nope"; config["learner"] = learner } }),
            ("NaN literal", { try Data("{\"steps\": NaN}".utf8).write(to: $0.appendingPathComponent("config.json")) }),
            ("truncated", { run in
                let file = run.appendingPathComponent("config.json")
                let data = try Data(contentsOf: file)
                try data.prefix(data.count / 2).write(to: file) }),
            ("not UTF-8", { try Data([0xFF, 0xFE, 0x7B]).write(to: $0.appendingPathComponent("config.json")) }),
            ("a FIFO", { run in
                let file = run.appendingPathComponent("config.json")
                try FileManager.default.removeItem(at: file)
                XCTAssertEqual(mkfifo(file.path, 0o644), 0) }),
            ("/dev/zero", { run in
                let file = run.appendingPathComponent("config.json")
                try FileManager.default.removeItem(at: file)
                try FileManager.default.createSymbolicLink(atPath: file.path, withDestinationPath: "/dev/zero") }),
            ("a directory", { run in
                let file = run.appendingPathComponent("config.json")
                try FileManager.default.removeItem(at: file)
                try FileManager.default.createDirectory(at: file, withIntermediateDirectories: false) }),
        ]
        for (index, (what, damage)) in cases.enumerated() {
            let run = try damagedRun("config-\(index)", damage)
            let progress = try text(run.appendingPathComponent("progress.csv"))
            let resumed = try TimedRun.offpolicy(["train", "--resume", run.path, "--steps", "400"], timeout: 60)
            assertRefused(resumed, naming: "config.json", "resume, \(what)")
            let evaluated = try TimedRun.offpolicy(["evaluate", "--run-dir", run.path, "--episodes", "1"], timeout: 60)
            assertRefused(evaluated, naming: "config.json", "evaluate, \(what)")
            XCTAssertEqual(try text(run.appendingPathComponent("progress.csv")), progress, "\(what): progress.csv untouched")
            XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("checkpoint/state.json").path), what)
        }
    }

    func testDamagedRowsTheCheckpointCountsAreRefusedNamingTheLine() throws {
        let cases: [(String, String, (inout [String]) -> Void)] = [
            ("a bogus row before the checkpointed step", "progress.csv", { $0.insert("150,1,50,-1000.0,-5.0,0.0,10.0", at: 2) }),
            ("the last counted row cut", "progress.csv", { $0[$0.count - 1] = String($0[$0.count - 1].prefix(12)) }),
            ("a row beyond the checkpoint's steps", "progress.csv", { $0[1] = "100000,1,50,-1000.0,-5.0,0.0,10.0" }),
            ("a negative count", "progress.csv", { $0[1] = "-100,1,0,nan,-5.0,0.0,10.0" }),
            ("huge numbers", "progress.csv", { $0[2] = "99999999999999999999999,1,0,1e400,-5.0,0.0,10.0" }),
            ("a bogus metrics row", "metrics.csv", { $0.insert($0[1], at: 1) }),
            ("a cut metrics row", "metrics.csv", { $0[1] = String($0[1].prefix(5)) }),
            ("a metrics row whose updates_in_row disagrees", "metrics.csv", {
                var fields = $0[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                fields[2] = String(Int(fields[2])! - 1)
                $0[2] = fields.joined(separator: ",")
            }),
        ]
        for (index, (what, name, edit)) in cases.enumerated() {
            let run = try damagedRun("rows-\(index)") { run in
                let file = run.appendingPathComponent(name)
                var lines = try self.text(file).split(separator: "\n").map(String.init)
                edit(&lines)
                try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: file)
            }
            let before = try text(run.appendingPathComponent(name))
            let resumed = try TimedRun.offpolicy(["train", "--resume", run.path, "--steps", "400"], timeout: 120)
            assertRefused(resumed, naming: name, "resume, \(what)")
            XCTAssertTrue(resumed.output.standardError.contains("line "), "\(what): the line is named: \(resumed.output.standardError)")
            XCTAssertEqual(try text(run.appendingPathComponent(name)), before, "\(what): the file is left as it was")
        }
        // A byte that is not UTF-8 in a counted row: one sentence naming the line, not a raw Cocoa error.
        let binary = try damagedRun("rows-binary") { run in
            var data = try Data(contentsOf: run.appendingPathComponent("progress.csv"))
            data.insert(0xFF, at: data.firstIndex(of: UInt8(ascii: "\n"))! + 3)
            try data.write(to: run.appendingPathComponent("progress.csv"))
        }
        let resumed = try TimedRun.offpolicy(["train", "--resume", binary.path, "--steps", "400"], timeout: 120)
        assertRefused(resumed, naming: "progress.csv", "resume, a byte that is not UTF-8")
        XCTAssertTrue(resumed.output.standardError.contains("line 2 holds bytes that are not UTF-8"), resumed.output.standardError)
        let plotted = try TimedRun.offpolicy(["plot", binary.path, "--out", directory.appending("binary.svg").path], timeout: 60)
        XCTAssertEqual(plotted.output.status, 1, plotted.output.standardError)
        assertPlain(plotted.output.standardError, "plot, a byte that is not UTF-8")
        XCTAssertTrue(plotted.output.standardError.contains("progress.csv"), plotted.output.standardError)
    }

    func testDamagedRowsWrittenAfterTheCheckpointAreDroppedAndTheRunFinishes() throws {
        // Rows after the checkpoint (at step 300): a cut one, one that is not UTF-8, a stray complete one.
        let run = try damagedRun("after") { run in
            var data = try Data(contentsOf: run.appendingPathComponent("progress.csv"))
            data += Data("400,2,300,-1.0,-2.0,0.0,1.0\n500,2,".utf8) + Data([0xFF, 0x0A]) + Data("600,3,50".utf8)
            try data.write(to: run.appendingPathComponent("progress.csv"))
            var metrics = try Data(contentsOf: run.appendingPathComponent("metrics.csv"))
            metrics += Data("400,300,1.0".utf8)
            try metrics.write(to: run.appendingPathComponent("metrics.csv"))
        }
        let resumed = try TimedRun.offpolicy(["train", "--resume", run.path, "--steps", "400"], timeout: 120)
        XCTAssertEqual(resumed.output.status, 0, resumed.output.standardError)
        XCTAssertTrue(resumed.output.standardError.contains("damaged line(s)"), resumed.output.standardError)
        let steps = try text(run.appendingPathComponent("progress.csv")).split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        XCTAssertEqual(steps, ["100", "200", "300", "400"])
        // Resuming the finished run again needs no repair and succeeds again.
        let again = try TimedRun.offpolicy(["train", "--resume", run.path, "--steps", "500"], timeout: 120)
        XCTAssertEqual(again.output.status, 0, again.output.standardError)
        XCTAssertFalse(again.output.standardError.contains("damaged"), again.output.standardError)
    }

    func testAFullDiskWhileCreatingTheRunFilesIsOneSentence() throws {
        // Out of bytes, or out of inodes at each file the run creates in turn (config.json, progress.csv,
        // metrics.csv, the checkpoint, the policy).
        for size in ["size=64k", "size=160k", "size=400k"] + (7...13).map({ "size=4m,nr_inodes=\($0)" }) {
            let mount = try mountTmpfs(options: size)
            let run = mount + "/run"
            let result = try TimedRun.offpolicy(["train", "sac", "--steps", "300", "--hidden", "8,8", "--batch", "8", "--eval-every", "100",
                                                 "--eval-episodes", "1", "--run-dir", run], timeout: 120)
            XCTAssertFalse(result.hung || result.signalled, "\(size): \(result.output.standardError)")
            XCTAssertLessThan(result.output.status, 128)
            assertPlain(result.output.standardError, "full disk of \(size)")
            if result.output.status != 0 {
                XCTAssertTrue(result.output.standardError.contains(mount), "\(size): names the file: \(result.output.standardError)")
            }
        }
    }

    /// A tmpfs with `options` (`size=64k`) mounted inside the test's directory, unmounted when the test ends (root only).
    private func mountTmpfs(options: String) throws -> String {
        try SystemFixtures.tmpfs(options: options, in: directory.url.path, for: self)
    }
}
