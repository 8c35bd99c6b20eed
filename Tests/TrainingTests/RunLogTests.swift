import Foundation
import XCTest
import RunFiles
@testable import Training
import TrainingRuns

/// What a run shows without a terminal (a line per evaluation and per metrics row), and metrics.csv rows
/// that cover every update: a row at every scheduled checkpoint and at the end, each saying how many
/// updates it averages (issue 17, section 3).
final class RunLogTests: XCTestCase {
    /// The (env_steps, updates, updates_in_row) of each metrics.csv row.
    private func metricsCounts(in run: URL) throws -> [[Int]] {
        try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: ",").prefix(3).map { Int($0)! } }
    }

    func testTheLogLinesSayWhereTheRunStandsAndWhatTheyAverage() {
        XCTAssertEqual(RunLogLine.evaluation(progress: 200, of: 400, unit: "steps", result: EvaluationResult(returns: [-100, -200]),
                                             updates: 100, trainingReturn: -180, recentEpisodes: 3),
                       "steps 200/400 (50%): eval return -150.0 ± 50.0 (mean ± std of 2 episodes); training return -180.0 (mean of the last 3 episodes); 100 updates so far")
        XCTAssertEqual(RunLogLine.evaluation(progress: 150, of: 300, unit: "steps", result: EvaluationResult(returns: [-7]),
                                             updates: 1, trainingReturn: .nan, recentEpisodes: 0),
                       "steps 150/300 (50%): eval return -7.0 ± 0.0 (mean ± std of 1 episode); training return – (no episode finished yet); 1 update so far")
        XCTAssertEqual(RunLogLine.evaluation(progress: 300, of: 1000, unit: "updates", result: EvaluationResult(returns: [-1, -3]),
                                             updates: 300, trainingReturn: nil, recentEpisodes: 0),
                       "updates 300/1000 (30%): eval return -2.0 ± 1.0 (mean ± std of 2 episodes)")
        XCTAssertEqual(RunLogLine.metrics(progress: 2000, of: 10000, unit: "steps", updates: 1900, updatesInRow: 1000,
                                          averages: [("critic_loss", 1.23456), ("actor_loss", nil), ("alpha", 0.2)]),
                       "steps 2000/10000 (20%): means over updates 901-1900 (1000 updates): critic_loss 1.235, alpha 0.2")
        XCTAssertEqual(RunLogLine.metrics(progress: 5, of: 10, unit: "updates", updates: 5, updatesInRow: 1, averages: [("loss", 0.5)]),
                       "updates 5/10 (50%): means over update 5: loss 0.5")
    }

    /// Rows every 150 updates since the previous row, and at each checkpoint (every 200 steps) and at
    /// the end (step 430): their counts sum to the run's updates and the last ends at its last update.
    /// The log lines follow every row and evaluation.
    func testMetricsRowsCoverEveryUpdateAndEachGetsALogLine() throws {
        let directory = try TemporaryDirectory("run-log")
        defer { directory.remove() }
        var written = ""
        let terminal = TerminalProgress(style: .logLines) { written += $0 }
        let config = SmallRuns.sac(steps: 430, seed: 3, metricsInterval: 150)
        let loop = try TrainingRun.startSession(config, in: directory.url, terminal: terminal)
        XCTAssertEqual(try loop.run(), .finished)
        XCTAssertEqual(loop.updates, 330)
        XCTAssertEqual(try metricsCounts(in: directory.url), [[200, 100, 100], [350, 250, 150], [400, 300, 50], [430, 330, 30]])
        XCTAssertEqual(try metricsCounts(in: directory.url).map { $0[2] }.reduce(0, +), loop.updates)
        let lines = written.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines, try ExpectedLogLines.lines(in: directory.url, totalSteps: 430, evaluationEpisodes: 2) + [""])
        XCTAssertEqual(lines.count, 4 + 3 + 1, "four metrics rows, evaluations at 200, 400 and 430")
        XCTAssertTrue(lines[0].hasPrefix("steps 200/430 (47%): means over updates 1-100 (100 updates): critic_loss "), lines[0])
    }

    func testSilentAndProgressLineStylesWriteNoLogLines() throws {
        for style in [TerminalProgress.Style.silent, .progressLine] {
            let directory = try TemporaryDirectory("run-log-silent")
            defer { directory.remove() }
            var written = ""
            let terminal = TerminalProgress(style: style) { written += $0 }
            try TrainingRun.startSession(SmallRuns.sac(steps: 250, seed: 3), in: directory.url, terminal: terminal).run()
            if style == .silent { XCTAssertEqual(written, "") }
            XCTAssertFalse(written.contains("means over") || written.contains("eval return"), "\(style): \(written)")
        }
    }

    func testAWarningIsALineOfItsOwnInEveryStyle() {
        for style in [TerminalProgress.Style.silent, .logLines, .progressLine] {
            var written = ""
            let terminal = TerminalProgress(style: style) { written += $0 }
            terminal.update(steps: 10, totalSteps: 10, recentReturn: -5, lastEvaluation: nil)
            let drawn = written
            terminal.warn("the disk is full")
            XCTAssertEqual(String(written.dropFirst(drawn.count)), (style == .progressLine ? "\r\u{1B}[K" : "") + "warning: the disk is full\n", "\(style)")
        }
    }

    /// A run that finished at a checkpoint, extended with `--steps`, stopped mid-interval and resumed
    /// writes the rows (and progress rows) of one uninterrupted run: no row lost, none twice.
    func testExtendingStoppingAndResumingWritesTheRowsOfAnUninterruptedRun() throws {
        let directory = try TemporaryDirectory("run-log-resume")
        defer { directory.remove() }
        let whole = directory.appending("whole"), split = directory.appending("split")
        let config = SmallRuns.sac(steps: 600, seed: 4, metricsInterval: 150)
        try TrainingRun.startSession(config, in: whole, terminal: TerminalProgress(enabled: false)).run()

        var short = config
        short.steps = 400
        try TrainingRun.startSession(short, in: split, terminal: TerminalProgress(enabled: false)).run()
        XCTAssertEqual(try metricsCounts(in: split).last, [400, 300, 50], "the end writes the last stretch")
        let extended = try TrainingRun.resumeSession(in: split, steps: 600, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try extended.run(shouldStop: { extended.environmentSteps >= 533 }), .interrupted(steps: 533))
        XCTAssertEqual(try metricsCounts(in: split).last, [400, 300, 50], "a stop writes no row: its checkpoint holds the sums")
        let resumed = try TrainingRun.resumeSession(in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try resumed.run(), .finished)

        XCTAssertEqual(try String(contentsOf: split.appendingPathComponent("metrics.csv"), encoding: .utf8),
                       try String(contentsOf: whole.appendingPathComponent("metrics.csv"), encoding: .utf8))
        XCTAssertEqual(try metricsCounts(in: whole).map { $0[1] }, [100, 250, 300, 450, 500])
        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: split), try SmallRuns.progressWithoutTiming(in: whole))
    }

    /// A run whose metrics.csv has no updates_in_row column (written before it existed) resumes: the
    /// file is converted, each old row counting the updates since the row before, and the finished
    /// file equals an uninterrupted run's.
    func testAMetricsFileWithoutTheCountColumnIsConvertedOnResume() throws {
        let directory = try TemporaryDirectory("run-log-former")
        defer { directory.remove() }
        let whole = directory.appending("whole"), split = directory.appending("split")
        // Rows every 100 updates; checkpoints every 200 steps fall on them (updates start after step 100),
        // as the rows of the former format (every 100 updates only) did.
        let config = SmallRuns.sac(steps: 500, seed: 6, metricsInterval: 100)
        try TrainingRun.startSession(config, in: whole, terminal: TerminalProgress(enabled: false)).run()
        let first = try TrainingRun.startSession(config, in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try first.run(shouldStop: { first.environmentSteps >= 350 }), .interrupted(steps: 350))

        let file = split.appendingPathComponent("metrics.csv")
        let former = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            fields.remove(at: 2)
            return fields.joined(separator: ",")
        }
        XCTAssertEqual(former[0], "env_steps,updates,critic_loss,actor_loss,alpha,alpha_loss,log_probability,q_policy")
        XCTAssertEqual(former.count, 1 + 2, "rows at updates 100 and 200")
        try Data((former.joined(separator: "\n") + "\n").utf8).write(to: file)

        let resumed = try TrainingRun.resumeSession(in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(resumed.notices, [])
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(try String(contentsOf: file, encoding: .utf8),
                       try String(contentsOf: whole.appendingPathComponent("metrics.csv"), encoding: .utf8))
        XCTAssertEqual(try metricsCounts(in: split).map { $0[2] }, [100, 100, 100, 100])
    }
}
