import Environments
import Foundation
import Learners
import RunFiles
import Training
import TrainingRuns
import XCTest

/// Records every event it hears; after each evaluation it saves the policy as `policy-at-STEPS.safetensors`
/// in `policies`; it says stop at the first checkpoint when told to.
private final class Recorder: TrainingCallback {
    var events: [String] = []
    let policies: URL?
    let stopAtFirstCheckpoint: Bool

    init(policies: URL? = nil, stopAtFirstCheckpoint: Bool = false) {
        self.policies = policies
        self.stopAtFirstCheckpoint = stopAtFirstCheckpoint
    }

    func runWillStart(_ run: RunCore) throws { events.append("start \(run.steps)") }
    func afterIteration(_ run: RunCore) throws -> CallbackDecision {
        events.append("iteration \(run.steps)")
        return .proceed
    }
    func afterEvaluation(_ row: ProgressRow, of run: RunCore) throws -> CallbackDecision {
        events.append("evaluation \(row.environmentSteps)")
        if let policies { try run.savePolicy(to: policies.appendingPathComponent("policy-at-\(run.steps).safetensors")) }
        return .proceed
    }
    func afterCheckpoint(_ run: RunCore) throws -> CallbackDecision {
        events.append("checkpoint \(run.steps)")
        return stopAtFirstCheckpoint ? .stop(reason: "told to stop at the first checkpoint") : .proceed
    }
}

final class CallbackTests: XCTestCase {
    private let config = SmallRuns.sac(steps: 500, seed: 5, hidden: [16, 16], batch: 32, evaluationInterval: 100, evaluationEpisodes: 1)

    /// The run's evaluations without callbacks; the same seed gives the same rows with them.
    private func uninterruptedRows(in directory: TemporaryDirectory) throws -> [ProgressRow] {
        try TrainingRun.startSession(config, in: directory.appending("whole"), terminal: TerminalProgress(enabled: false)).run()
        return try ProgressRow.read(from: directory.appending("whole/progress.csv"))
    }

    /// The rows as written, their timing column zeroed (NaN train returns compare equal as text).
    private func withoutTiming(_ rows: [ProgressRow]) -> [String] {
        rows.map { var row = $0; row.stepsPerSecond = 0; return row.csvLine }
    }

    func testEveryEventIsHeardOnceInOrder() throws {
        let directory = try TemporaryDirectory("callback-events")
        defer { directory.remove() }
        var short = config
        short.steps = 200
        let recorder = Recorder()
        let session = try TrainingRun.startSession(short, in: directory.appending("run"), terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try session.run(callbacks: [recorder]), .finished)
        var expected = ["start 0"]
        for step in 1...200 {
            if step % 100 == 0 { expected += ["evaluation \(step)", "iteration \(step)", "checkpoint \(step)"] } else { expected.append("iteration \(step)") }
        }
        XCTAssertEqual(recorder.events, expected)
    }

    func testACallbackStopsTheRunAtACheckpointAndTheRunResumes() throws {
        let directory = try TemporaryDirectory("callback-stop")
        defer { directory.remove() }
        let whole = try uninterruptedRows(in: directory)
        let run = directory.appending("split")
        let session = try TrainingRun.startSession(config, in: run, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try session.run(callbacks: [Recorder(stopAtFirstCheckpoint: true)]),
                       .stopped(steps: 100, reason: "told to stop at the first checkpoint"))
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("checkpoint/state.json"))) as? [String: Any]
        XCTAssertEqual(state?["environmentSteps"] as? Int, 100)
        XCTAssertEqual(try TrainingRun.resumeSession(in: run, terminal: TerminalProgress(enabled: false)).run(), .finished)
        XCTAssertEqual(withoutTiming(try ProgressRow.read(from: run.appendingPathComponent("progress.csv"))), withoutTiming(whole),
                       "stopped and resumed, the run is the uninterrupted one")
    }

    func testEarlyStoppingStopsAtTheFirstEvaluationReachingTheThreshold() throws {
        let directory = try TemporaryDirectory("early-threshold")
        defer { directory.remove() }
        let whole = try uninterruptedRows(in: directory)
        XCTAssertEqual(whole.count, 5)
        // The best return before the last evaluation: the first row reaching it is not the last one.
        let threshold = whole.dropLast().map(\.evaluationReturnMean).max()!
        let first = whole.firstIndex { $0.evaluationReturnMean >= threshold }!
        let stopping = EarlyStopping(returnThreshold: threshold)
        let session = try TrainingRun.startSession(config, in: directory.appending("early"), terminal: TerminalProgress(enabled: false))
        let steps = whole[first].environmentSteps
        XCTAssertEqual(try session.run(callbacks: [stopping]),
                       .stopped(steps: steps, reason: "the evaluation return \(whole[first].evaluationReturnMean) at step \(steps) reached the threshold \(threshold)"))
        XCTAssertEqual(withoutTiming(try ProgressRow.read(from: directory.appending("early/progress.csv"))), withoutTiming(Array(whole[...first])))
        XCTAssertEqual(stopping.bestReturn, whole[...first].map(\.evaluationReturnMean).max())
    }

    func testEarlyStoppingStopsAfterPatienceEvaluationsWithoutImprovement() throws {
        let directory = try TemporaryDirectory("early-patience")
        defer { directory.remove() }
        let whole = try uninterruptedRows(in: directory)
        let returns = whole.map(\.evaluationReturnMean)
        // Patience 1: the first evaluation that does not beat every earlier one.
        let first = try XCTUnwrap((1..<returns.count).first { i in returns[i] <= returns[..<i].max()! }, "returns \(returns)")
        let best = returns[..<first].max()!
        let session = try TrainingRun.startSession(config, in: directory.appending("early"), terminal: TerminalProgress(enabled: false))
        let outcome = try session.run(callbacks: [EarlyStopping(patience: 1)])
        if first == returns.count - 1 {
            XCTAssertEqual(outcome, .finished, "the last evaluation ends the run anyway")
        } else {
            XCTAssertEqual(outcome, .stopped(steps: whole[first].environmentSteps,
                                             reason: "1 evaluation did not improve on the best return \(best)"))
        }
        XCTAssertEqual(try ProgressRow.read(from: directory.appending("early/progress.csv")).count, first + 1)
    }

    func testEarlyStoppingWithoutAThresholdOrPatienceIsRefused() throws {
        let directory = try TemporaryDirectory("early-refused")
        defer { directory.remove() }
        let session = try TrainingRun.startSession(config, in: directory.appending("run"), terminal: TerminalProgress(enabled: false))
        XCTAssertThrowsError(try session.run(callbacks: [EarlyStopping()])) { error in
            XCTAssertEqual("\(error)", "invalid configuration: EarlyStopping needs a return threshold, a patience, or both")
        }
        XCTAssertEqual(session.environmentSteps, 0)
    }

    func testKeepBestPolicyKeepsTheBestEvaluationsPolicyAcrossAResume() throws {
        let directory = try TemporaryDirectory("keep-best")
        defer { directory.remove() }
        let policies = directory.appending("policies")
        try FileManager.default.createDirectory(at: policies, withIntermediateDirectories: true)
        let run = directory.appending("run")
        let session = try TrainingRun.startSession(config, in: run, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try session.run(callbacks: [KeepBestPolicy(), Recorder(policies: policies)], shouldStop: { session.environmentSteps >= 300 }),
                       .interrupted(steps: 300))
        let keep = KeepBestPolicy()
        let resumed = try TrainingRun.resumeSession(in: run, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try resumed.run(callbacks: [keep, Recorder(policies: policies)]), .finished)

        let rows = try ProgressRow.read(from: run.appendingPathComponent("progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [100, 200, 300, 400, 500])
        let best = rows.first { $0.evaluationReturnMean == rows.map(\.evaluationReturnMean).max() }!
        let expected = BestPolicyRecord(steps: best.environmentSteps, environmentSteps: best.environmentSteps, updates: best.updates,
                                        evaluationReturnMean: best.evaluationReturnMean, evaluationReturnStd: best.evaluationReturnStd)
        XCTAssertEqual(keep.best, expected)
        let record = try JSONDecoder().decode(BestPolicyRecord.self, from: Data(contentsOf: run.appendingPathComponent("best-policy.json")))
        XCTAssertEqual(record, expected)
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("best-policy.safetensors")),
                       try Data(contentsOf: policies.appendingPathComponent("policy-at-\(best.environmentSteps).safetensors")),
                       "the kept file is the policy of the best evaluation")
    }

    func testKeepBestPolicyNeverOverwritesAFileItDidNotWrite() throws {
        let directory = try TemporaryDirectory("keep-best-foreign")
        defer { directory.remove() }
        let run = directory.appending("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let foreign = run.appendingPathComponent("best-policy.safetensors")
        try Data("the user's own file".utf8).write(to: foreign)
        let session = try TrainingRun.startSession(config, in: run, terminal: TerminalProgress(enabled: false))
        XCTAssertThrowsError(try session.run(callbacks: [KeepBestPolicy()])) { error in
            XCTAssertEqual("\(error)", "\(foreign.path) cannot be written: it exists and KeepBestPolicy did not write it (there is no best-policy.json beside it); move it away or train in another directory")
        }
        XCTAssertEqual(try Data(contentsOf: foreign), Data("the user's own file".utf8))
        XCTAssertEqual(session.environmentSteps, 0)
    }
}
