import Foundation
import RunFiles
import XCTest

/// The distributed run that `DistributedRunTests` (loopback) and `NetworkNamespaceRunTests` (a network namespace per
/// node) both make, as it would run on hosts: a Reverb server (prioritized replay table with a SampleToInsertRatio
/// limiter, weights table), two `offpolicy-reverb actor` processes and one `offpolicy-reverb train sac` process.
/// SAC on Pendulum must reach a mean evaluation return of −200 within `updateBound` updates, while one actor is
/// killed and restarted (it rejoins: its inserts are confirmed) and the learner is killed and restarted with the
/// same run directory (it resumes from its checkpoint's update count). Subclasses say where each node runs
/// (`prefix(for:)`) and where the server listens.
class DistributedRunTestCase: XCTestCase {
    /// SAC 64-64, batch 256 usually passes −200 after 3–5k updates; the bound leaves a wide margin.
    static let updateBound = 15_000
    static let target = -200.0
    /// 128 samples per insert: one update of 256 per two environment steps; the error buffer lets either side run
    /// about 2,000 inserts ahead before the limiter holds it back (a learner restart takes a few seconds).
    static let serverOptions = ["--replay-selector", "prioritized", "--min-size", "1000", "--samples-per-insert", "128",
                                "--error-buffer", "256000", "--replay-capacity", "1000000"]

    var children: [RunProcess] = []
    var server: ReverbServerProcess?
    var directory: URL!

    override func setUpWithError() throws {
        try ReverbServerProcess.requirePython()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-reverb-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for child in children { child.stop() }
        XCTAssertTrue(children.allSatisfy { !$0.isRunning }, "no child process survives the test")
        children = []
        server?.stop()
        server = nil
        if let directory { try? FileManager.default.removeItem(at: directory) }
        super.tearDown()
    }

    /// What runs a node's processes inside its host (for example `ip netns exec NS`); none on loopback.
    func prefix(for node: String) -> [String] { [] }

    /// Starts `offpolicy-reverb arguments` as `name` on `node` ("actor1", "actor2" or "learner").
    func start(_ name: String, on node: String, _ arguments: [String]) throws -> RunProcess {
        let child = try RunProcess(name, arguments, logIn: directory, prefix: prefix(for: node))
        children.append(child)
        return child
    }

    /// The rows of the learner's progress.csv (one per evaluation).
    func progress(_ run: URL) -> [ProgressRow] {
        (try? ProgressRow.read(from: run.appendingPathComponent("progress.csv"))) ?? []
    }

    /// The update count of the learner's latest complete checkpoint (checkpoint/state.json), 0 without one.
    func checkpointUpdates(_ run: URL) -> Int {
        guard let data = try? Data(contentsOf: run.appendingPathComponent("checkpoint/state.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
        return object["updates"] as? Int ?? 0
    }

    /// Items the actor's status lines say the server confirmed (the last such line).
    func confirmedItems(_ actor: RunProcess) -> Int {
        let lines = actor.output.split(separator: "\n").filter { $0.contains("items confirmed") }
        guard let last = lines.last, let range = last.range(of: #"\d+ items confirmed"#, options: .regularExpression) else { return 0 }
        return Int(last[range].split(separator: " ")[0]) ?? 0
    }

    /// The whole run against `server` (whose tables are "replay" and "weights"), with every check; prints the figures
    /// docs/reverb.md reports and returns the learner's progress rows.
    @discardableResult
    func runSACOnPendulumAcrossRestarts(_ server: ReverbServerProcess, label: String) throws -> [ProgressRow] {
        let replay = "\(server.address)/replay"
        let run = directory.appendingPathComponent("learner")
        let actorArguments = { (seed: Int) in
            ["actor", "--replay", replay, "--env", "Pendulum-v1", "--copies", "2", "--refresh-every", "400", "--seed", String(seed), "--status-every", "1"]
        }
        let learnerArguments = ["train", "sac", "--replay", replay, "--env", "Pendulum-v1", "--hidden", "64,64", "--batch", "256",
                                "--steps", String(Self.updateBound), "--eval-every", "500", "--eval-episodes", "5", "--publish-every", "100",
                                "--log-every", "500", "--seed", "1", "--run-dir", run.path, "--no-tensorboard"]
        let clock = ContinuousClock()
        let started = clock.now
        var actors = [try start("actor-1", on: "actor1", actorArguments(1)), try start("actor-2", on: "actor2", actorArguments(2))]
        var learner = try start("learner", on: "learner", learnerArguments)

        // Kill actor 1 once the learner has done 1,000 updates: the learner and actor 2 keep running and learning.
        XCTAssertTrue(eventually(within: 300) { (progress(run).last?.updates ?? 0) >= 1000 || !learner.isRunning },
                      "the learner reached 1,000 updates: \(learner.output.suffix(2000))")
        XCTAssertTrue(actors.allSatisfy { $0.output.contains("policy of update") },
                      "both actors act with published weights: \(actors.map { $0.output.suffix(500) })")
        actors[0].stop(SIGKILL)
        let updatesAtActorKill = progress(run).last?.updates ?? 0
        XCTAssertTrue(eventually(within: 300) { (progress(run).last?.updates ?? 0) >= updatesAtActorKill + 1000 || !learner.isRunning },
                      "the learner went on with one actor: \(learner.output.suffix(2000))")
        XCTAssertTrue(learner.isRunning, learner.output.suffix(2000).description)
        XCTAssertTrue(actors[1].isRunning, actors[1].output.suffix(2000).description)

        // Restart actor 1: it rejoins, its inserts confirmed by the server.
        actors[0] = try start("actor-1-again", on: "actor1", actorArguments(1))
        XCTAssertTrue(eventually(within: 120) { confirmedItems(actors[0]) > 0 }, "the restarted actor's inserts reached the table: \(actors[0].output.suffix(2000))")
        XCTAssertTrue(actors[0].output.contains("policy of update"), "the restarted actor acts with published weights: \(actors[0].output.suffix(2000))")

        // Kill the learner after a checkpoint past the restart; the same command resumes from that checkpoint.
        let wanted = (progress(run).last?.updates ?? 0) + 500
        XCTAssertTrue(eventually(within: 300) { checkpointUpdates(run) >= wanted || !learner.isRunning })
        let checkpointBefore = checkpointUpdates(run)
        learner.stop(SIGKILL)
        let rowsAtKill = progress(run)
        learner = try start("learner-again", on: "learner", learnerArguments)
        XCTAssertTrue(eventually(within: 60) { learner.output.contains("resuming") }, learner.output)
        let resumedLine = learner.output.split(separator: "\n").first { $0.hasPrefix("resuming") } ?? ""
        let resumedAt = Int(resumedLine.split(separator: " ").dropFirst(4).first ?? "") ?? -1
        XCTAssertGreaterThanOrEqual(resumedAt, checkpointBefore, "resumed from the checkpoint, not from 0: \(resumedLine)")
        XCTAssertLessThanOrEqual(resumedAt, rowsAtKill.last?.updates ?? 0)

        // Learning: a mean evaluation return of −200 within the bound.
        XCTAssertTrue(eventually(within: 900) {
            progress(run).contains { $0.evaluationReturnMean >= Self.target } || !learner.isRunning
        }, "no evaluation reached \(Self.target): \(progress(run).map { "\($0.updates): \($0.evaluationReturnMean)" })")
        let rows = progress(run)
        let reached = try XCTUnwrap(rows.first { $0.evaluationReturnMean >= Self.target }, "\(learner.output.suffix(3000))")
        XCTAssertLessThanOrEqual(reached.updates, Self.updateBound)
        XCTAssertGreaterThan(reached.updates, resumedAt, "the resumed learner went on counting from its checkpoint")
        XCTAssertEqual(rows.map(\.updates), rows.map(\.updates).sorted(), "update counts only grow across the restart")
        XCTAssertTrue(learner.isRunning, "the learner ran to the end: \(learner.output.suffix(2000))")
        XCTAssertTrue(actors.allSatisfy(\.isRunning), "both actors ran to the end")

        // The figures docs/reverb.md reports: updates to −200, and throughput (progress.csv's steps_per_s counts updates here).
        let seconds = Double((clock.now - started).components.seconds)
        let rates = rows.dropFirst().map(\.stepsPerSecond)
        print("\(label): −200 reached at update \(reached.updates) (\(reached.evaluationReturnMean)); \(Int(seconds)) s in all; learner updates/s per row \(rates.map { Int($0) })")
        for actor in actors { print("\(actor.name): \(actor.output.split(separator: "\n").last { $0.contains("env steps") } ?? "")") }
        return rows
    }
}
