import Foundation
import XCTest
import RunFiles
@testable import Training
import TrainingRuns

/// Interrupt, resume, finish: the result equals the uninterrupted run.
final class ResumeTests: XCTestCase {
    func testInterruptedAndResumedRunMatchesTheUninterruptedOne() throws {
        let directory = try TemporaryDirectory("resume")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 600, seed: 5)
        try TrainingRun.startSession(config, in: directory.appending("whole")).run()

        // Stop at step 333: between evaluations and checkpoints, so the stop writes its own checkpoint.
        let first = try TrainingRun.startSession(config, in: directory.appending("split"))
        let outcome = try first.run(shouldStop: { first.environmentSteps >= 333 })
        XCTAssertEqual(outcome, .interrupted(steps: 333))
        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: directory.appending("split")).count, 2, "one row, at 200")

        let resumed = try TrainingRun.resumeSession(in: directory.appending("split"))
        XCTAssertEqual(resumed.environmentSteps, 333)
        XCTAssertEqual(resumed.notices, [])
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(resumed.environmentSteps, 600)

        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: directory.appending("split")),
                       try SmallRuns.progressWithoutTiming(in: directory.appending("whole")))
        XCTAssertEqual(try String(contentsOf: directory.appending("split/metrics.csv"), encoding: .utf8),
                       try String(contentsOf: directory.appending("whole/metrics.csv"), encoding: .utf8),
                       "metrics averaged across the stop (every 50 updates; stopped mid-interval) are those of the uninterrupted run")
        XCTAssertEqual(try Data(contentsOf: directory.appending("split/policy.safetensors")),
                       try Data(contentsOf: directory.appending("whole/policy.safetensors")))
    }

    /// Rows written after the last checkpoint (a crash between them) are dropped on resume, and
    /// transitions the store holds beyond the checkpoint are reported.
    func testResumeAfterAnAbruptStopDropsLaterRowsAndSaysSo() throws {
        let directory = try TemporaryDirectory("resume-crash")
        defer { directory.remove() }
        let run = directory.appending("run")
        // Evaluate every 100 steps, checkpoint every 300. Keep a copy of the step-300 checkpoint, stop at 450,
        // then put the copy back: the state a `kill -9` at step 450 leaves behind.
        let config = SmallRuns.sac(steps: 600, seed: 8, evaluationInterval: 100, checkpointInterval: 300)
        let loop = try TrainingRun.startSession(config, in: run)
        let checkpointCopy = directory.appending("checkpoint-at-300")
        var copied = false
        _ = try loop.run(shouldStop: {
            if loop.environmentSteps == 301 && !copied {
                try? FileManager.default.copyItem(at: run.appendingPathComponent("checkpoint"), to: checkpointCopy)
                copied = true
            }
            return loop.environmentSteps >= 450
        })
        // Put the step-300 checkpoint back, as if the process had died at step 450 without one.
        try FileManager.default.removeItem(at: run.appendingPathComponent("checkpoint"))
        try FileManager.default.copyItem(at: checkpointCopy, to: run.appendingPathComponent("checkpoint"))

        let resumed = try TrainingRun.resumeSession(in: run)
        XCTAssertEqual(resumed.environmentSteps, 300)
        XCTAssertEqual(resumed.notices.count, 1)
        XCTAssertTrue(resumed.notices[0].contains("150 transition(s)"), resumed.notices[0])
        XCTAssertEqual(try ProgressRow.read(from: run.appendingPathComponent("progress.csv")).map(\.environmentSteps), [100, 200, 300])
        try resumed.run()
        XCTAssertEqual(try ProgressRow.read(from: run.appendingPathComponent("progress.csv")).map(\.environmentSteps), [100, 200, 300, 400, 500, 600])
    }

    func testStartingInAnExistingRunIsRefused() throws {
        let directory = try TemporaryDirectory("resume-refuse")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 150, seed: 1)
        try TrainingRun.startSession(config, in: directory.url).run()
        XCTAssertThrowsError(try TrainingRun.startSession(config, in: directory.url)) { error in
            XCTAssertEqual(error as? TrainingError, .runDirectoryNotEmpty(directory.url.path))
        }
        XCTAssertThrowsError(try TrainingRun.resumeSession(in: directory.appending("nothing-here"))) { error in
            XCTAssertTrue("\(error)".contains("config.json"), "\(error)")
        }
    }
}
