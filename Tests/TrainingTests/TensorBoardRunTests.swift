import Foundation
import RunFiles
import TensorBoardEvents
import TestSupport
import XCTest

/// `offpolicy train`'s TensorBoard event files (`DIR/tensorboard/`) through real runs: read back with
/// TensorBoard's own `EventAccumulator` (the `tensorboard` package scripts/setup installs; without it the
/// test skips, except under CI=true), every scalar at its step with its value, as progress.csv and
/// metrics.csv hold them rounded to 32 bits; a resume that writes no step of a tag twice; a full disk
/// under the event files, which costs one warning and not the run; and `--no-tensorboard`.
final class TensorBoardRunTests: XCTestCase {
    private var directory: TemporaryDirectory!

    override func setUpWithError() throws { directory = try TemporaryDirectory("tensorboard") }
    override func tearDown() { directory.remove() }

    /// A short SAC run: evaluations every 100 steps (the first before any episode ended, so its
    /// train_return is nan), metrics rows every 50 updates.
    private static let shortRun = ["train", "sac", "--hidden", "8,8", "--batch", "8", "--eval-every", "100", "--eval-episodes", "1", "--log-every", "50"]

    private func train(_ arguments: [String]) throws -> ProcessOutput {
        let result = try TimedRun.offpolicy(arguments, timeout: 300)
        XCTAssertFalse(result.hung || result.signalled, result.output.standardError)
        XCTAssertEqual(result.output.status, 0, result.output.standardError)
        return result.output
    }

    /// A scalar as the event files should hold it: its tag's value at a step.
    struct Point: Hashable, CustomStringConvertible {
        var tag: String
        var step: Int64
        var value: Float
        var description: String { "\(tag)@\(step)=\(value)" }
    }

    /// Every value of the run's progress.csv and metrics.csv as the documented tags at env_steps (`offline`:
    /// at updates).
    private func expectedPoints(of run: URL, offline: Bool = false) throws -> [Point] {
        var points: [Point] = []
        for row in try ProgressRow.read(from: run.appendingPathComponent("progress.csv")) {
            let step = Int64(offline ? row.updates : row.environmentSteps)
            if !row.trainReturn.isNaN { points.append(Point(tag: "train/return", step: step, value: Float(row.trainReturn))) }
            points += [Point(tag: "eval/return_mean", step: step, value: Float(row.evaluationReturnMean)),
                       Point(tag: "eval/return_std", step: step, value: Float(row.evaluationReturnStd)),
                       Point(tag: "time/steps_per_s", step: step, value: Float(row.stepsPerSecond))]
        }
        let lines = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let header = lines[0]
        XCTAssertEqual(header.prefix(3), ["env_steps", "updates", "updates_in_row"])
        for fields in lines.dropFirst() {
            for (name, field) in zip(header.dropFirst(3), fields.dropFirst(3)) where !field.isEmpty {
                points.append(Point(tag: "learner/\(name)", step: Int64(fields[offline ? 1 : 0])!, value: Float(Double(field)!)))
            }
        }
        return points
    }

    /// Every scalar in the run's event files, read with this package's own reader, file after file.
    private func recordedPoints(of run: URL) throws -> (points: [Point], files: [URL]) {
        let files = EventFileWriter.eventFiles(in: run.appendingPathComponent("tensorboard"))
        var points: [Point] = []
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let records = TFRecord.records(in: bytes)
            XCTAssertEqual(records.last?.end, bytes.count, "\(file.lastPathComponent) ends at a whole record")
            let events = records.map { Event(decoding: $0.data)! }
            XCTAssertEqual(events.first?.content, .fileVersion("brain.Event:2"))
            for event in events.dropFirst() {
                guard case .scalars(let scalars) = event.content else { XCTFail("\(event)"); continue }
                points += scalars.map { Point(tag: $0.tag, step: event.step, value: $0.value) }
            }
        }
        return (points, files)
    }

    /// TensorBoard's EventAccumulator on the run's tensorboard folder: every scalar as tag → [(step, value)].
    private func accumulatorPoints(of run: URL) throws -> [Point]? {
        guard try PythonModules.available(["tensorboard"], install: "run scripts/setup (it installs tensorboard with pip)") else { return nil }
        let script = """
        import json, sys
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
        accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})
        accumulator.Reload()
        print(json.dumps([[tag, event.step, event.value] for tag in accumulator.Tags()["scalars"] for event in accumulator.Scalars(tag)]))
        """
        let output = try ChildProcess.run(PythonModules.env, ["python3", "-c", script, run.appendingPathComponent("tensorboard").path])
        XCTAssertEqual(output.status, 0, output.standardError)
        let rows = try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as! [[Any]]
        return rows.map { Point(tag: $0[0] as! String, step: ($0[1] as! NSNumber).int64Value, value: Float(($0[2] as! NSNumber).doubleValue)) }
    }

    /// `points` grouped by tag, each tag's in step order.
    private func byTag(_ points: [Point]) -> [String: [Point]] {
        Dictionary(grouping: points, by: \.tag).mapValues { $0.sorted { $0.step < $1.step } }
    }

    func testTensorBoardsReaderFindsEveryScalarOfTheCSVFilesAtItsStep() throws {
        let run = directory.appending("run")
        _ = try train(Self.shortRun + ["--steps", "300", "--run-dir", run.path])
        let expected = try expectedPoints(of: run)
        let tags: Set<String> = Set(expected.map(\.tag))
        XCTAssertTrue(tags.isSuperset(of: ["train/return", "eval/return_mean", "eval/return_std", "time/steps_per_s",
                                           "learner/critic_loss", "learner/actor_loss", "learner/alpha"]), "\(tags.sorted())")
        XCTAssertEqual(expected.filter { $0.tag == "train/return" }.map(\.step), [200, 300], "nan before the first episode ends is left out")
        XCTAssertEqual(expected.filter { $0.tag == "eval/return_mean" }.map(\.step), [100, 200, 300])
        XCTAssertEqual(expected.filter { $0.tag.hasPrefix("learner/") }.map(\.step).max(), 300)

        let (recorded, files) = try recordedPoints(of: run)
        XCTAssertEqual(files.count, 1)
        XCTAssertEqual(byTag(recorded), byTag(expected))
        guard let read = try accumulatorPoints(of: run) else { return }
        XCTAssertEqual(byTag(read), byTag(expected))

        // Offline, from that run's store: the step is the update count.
        let offline = directory.appending("offline")
        _ = try train(["train", "bc", "--dataset", run.appendingPathComponent("replay").path, "--steps", "200", "--hidden", "8,8", "--batch", "8",
                       "--eval-every", "100", "--eval-episodes", "1", "--log-every", "50", "--run-dir", offline.path])
        let expectedOffline = try expectedPoints(of: offline, offline: true)
        XCTAssertEqual(expectedOffline.filter { $0.tag == "eval/return_mean" }.map(\.step), [100, 200])
        XCTAssertEqual(expectedOffline.filter { $0.tag.hasPrefix("learner/") }.map(\.step).sorted().last, 200)
        XCTAssertFalse(expectedOffline.contains { $0.tag == "train/return" }, "an offline run has no training episodes")
        XCTAssertEqual(byTag(try recordedPoints(of: offline).points), byTag(expectedOffline))
        XCTAssertEqual(byTag(try XCTUnwrap(accumulatorPoints(of: offline))), byTag(expectedOffline))
    }

    func testAResumedRunWritesANewFileAndNoStepOfATagTwice() throws {
        let run = directory.appending("run")
        _ = try train(Self.shortRun + ["--steps", "200", "--run-dir", run.path])
        // The checkpoint at step 200, put back after the run went on to 400: as if it had been killed at 400
        // before its next checkpoint, its rows and events after 200 written.
        let saved = directory.appending("checkpoint-200")
        try FileManager.default.copyItem(at: run.appendingPathComponent("checkpoint"), to: saved)
        _ = try train(["train", "--resume", run.path, "--steps", "400"])
        XCTAssertEqual(try recordedPoints(of: run).points.map(\.step).max(), 400)
        try FileManager.default.removeItem(at: run.appendingPathComponent("checkpoint"))
        try FileManager.default.copyItem(at: saved, to: run.appendingPathComponent("checkpoint"))

        _ = try train(["train", "--resume", run.path, "--steps", "300"])
        let (recorded, files) = try recordedPoints(of: run)
        XCTAssertEqual(files.count, 3, "one file per session")
        let steps = try files.map { file in TFRecord.records(in: [UInt8](try Data(contentsOf: file))).map { Event(decoding: $0.data)!.step } }
        XCTAssertEqual(steps[0].max(), 200)
        XCTAssertEqual(steps[1], [0], "the second session's events, all after the checkpoint, were cut (its file-version event stays)")
        XCTAssertGreaterThan(steps[2].dropFirst().min() ?? 0, 200, "the third session starts after the checkpoint: \(steps[2])")
        let expected = try expectedPoints(of: run)
        XCTAssertEqual(expected.filter { $0.tag == "eval/return_mean" }.map(\.step), [100, 200, 300])
        for (tag, points) in byTag(recorded) {
            XCTAssertEqual(Set(points.map(\.step)).count, points.count, "\(tag) has a step twice: \(points)")
        }
        XCTAssertEqual(byTag(recorded), byTag(expected))
        guard let read = try accumulatorPoints(of: run) else { return }
        XCTAssertEqual(byTag(read), byTag(expected))
    }

    func testAFullDiskUnderTheEventFilesWarnsOnceAndTheRunGoesOn() throws {
        let run = directory.appending("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        // 4 KiB for the event files (a tmpfs mounted on the folder tensorboard/ links to); 30 evaluations and
        // metrics rows need more.
        let disk = try SystemFixtures.tmpfs(size: "4k", in: directory.url.path, for: self)
        try FileManager.default.createSymbolicLink(atPath: run.appendingPathComponent("tensorboard").path, withDestinationPath: disk)
        let output = try train(["train", "sac", "--hidden", "8,8", "--batch", "8", "--eval-every", "10", "--eval-episodes", "1", "--log-every", "10",
                                "--checkpoint-every", "100", "--steps", "300", "--run-dir", run.path])
        let warnings = output.standardError.split(separator: "\n").filter { $0.contains("warning") }
        let file = try XCTUnwrap(EventFileWriter.eventFiles(in: URL(fileURLWithPath: disk)).first)
        XCTAssertEqual(warnings, ["warning: TensorBoard events are no longer written to \(run.path)/tensorboard/\(file.lastPathComponent): no space left on device"])
        XCTAssertEqual(try ProgressRow.read(from: run.appendingPathComponent("progress.csv")).map(\.environmentSteps), Array(stride(from: 10, through: 300, by: 10)))
        let recorded = try recordedPoints(of: run).points
        XCTAssertGreaterThan(recorded.count, 20)
        let expected = try expectedPoints(of: run)
        XCTAssertLessThan(recorded.count, expected.count)
        XCTAssertEqual(Set(recorded).subtracting(expected), [], "every event written holds a value of the CSV files")
    }

    func testNoTensorBoardWritesNoEventsAndAResumeKeepsToIt() throws {
        let run = directory.appending("run")
        _ = try train(Self.shortRun + ["--steps", "100", "--no-tensorboard", "--run-dir", run.path])
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("tensorboard").path))
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as! [String: Any]
        XCTAssertEqual(config["tensorBoard"] as? Bool, false)
        _ = try train(["train", "--resume", run.path, "--steps", "200"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.appendingPathComponent("tensorboard").path))
    }
}
