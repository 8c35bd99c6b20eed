import Foundation
import ReverbClient
import RunFiles
import XCTest

/// A distributed run on loopback, as it would run on hosts: a Reverb server (prioritized replay table with a
/// SampleToInsertRatio limiter, weights table), two `offpolicy-reverb actor` processes and one `offpolicy-reverb
/// train sac` process. SAC on Pendulum must reach a mean evaluation return of −200 within `updateBound` updates,
/// while one actor is killed and restarted (it rejoins: its inserts are confirmed) and the learner is killed and
/// restarted with the same run directory (it resumes from its checkpoint's update count).
final class DistributedRunTests: XCTestCase {
    /// SAC 64-64, batch 256 usually passes −200 after 3–5k updates; the bound leaves a wide margin.
    static let updateBound = 15_000
    static let target = -200.0

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

    func start(_ name: String, _ arguments: [String]) throws -> RunProcess {
        let child = try RunProcess(name, arguments, logIn: directory)
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

    func testSACOnPendulumLearnsAcrossActorAndLearnerRestarts() throws {
        // 128 samples per insert: one update of 256 per two environment steps; the error buffer lets either side
        // run about 2,000 inserts ahead before the limiter holds it back (a learner restart takes a few seconds).
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["replay", "weights"], options: [
            "--replay-selector", "prioritized", "--min-size", "1000", "--samples-per-insert", "128", "--error-buffer", "256000",
            "--replay-capacity", "1000000",
        ])
        self.server = server
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
        var actors = [try start("actor-1", actorArguments(1)), try start("actor-2", actorArguments(2))]
        var learner = try start("learner", learnerArguments)

        // Kill actor 1 once the learner has done 1,000 updates: the learner and actor 2 keep running and learning.
        XCTAssertTrue(eventually(within: 300) { (progress(run).last?.updates ?? 0) >= 1000 || !learner.isRunning },
                      "the learner reached 1,000 updates: \(learner.output.suffix(2000))")
        actors[0].stop(SIGKILL)
        let updatesAtActorKill = progress(run).last?.updates ?? 0
        XCTAssertTrue(eventually(within: 300) { (progress(run).last?.updates ?? 0) >= updatesAtActorKill + 1000 || !learner.isRunning },
                      "the learner went on with one actor: \(learner.output.suffix(2000))")
        XCTAssertTrue(learner.isRunning, learner.output.suffix(2000).description)
        XCTAssertTrue(actors[1].isRunning, actors[1].output.suffix(2000).description)

        // Restart actor 1: it rejoins, its inserts confirmed by the server.
        actors[0] = try start("actor-1-again", actorArguments(1))
        XCTAssertTrue(eventually(within: 120) { confirmedItems(actors[0]) > 0 }, "the restarted actor's inserts reached the table: \(actors[0].output.suffix(2000))")
        XCTAssertTrue(actors[0].output.contains("policy of update"), "the restarted actor acts with published weights: \(actors[0].output.suffix(2000))")

        // Kill the learner after a checkpoint past the restart; the same command resumes from that checkpoint.
        let wanted = (progress(run).last?.updates ?? 0) + 500
        XCTAssertTrue(eventually(within: 300) { checkpointUpdates(run) >= wanted || !learner.isRunning })
        let checkpointBefore = checkpointUpdates(run)
        learner.stop(SIGKILL)
        let rowsAtKill = progress(run)
        learner = try start("learner-again", learnerArguments)
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
        XCTAssertTrue(actors.allSatisfy(\.isRunning), "both actors ran to the end")

        // The learner mutated the priorities: actors insert at 1, the learner sets |δ| + ε on every item it samples
        // (128 samples per insert, so nearly every item has been sampled by now).
        let priorities = try sampledPriorities(server.address, count: 256)
        XCTAssertTrue(priorities.allSatisfy { $0.isFinite && $0 > 0 }, "\(priorities)")
        XCTAssertGreaterThan(priorities.filter { $0 != 1 }.count, 128, "most sampled items carry a TD-error priority: \(priorities.prefix(20))")
        let seconds = Double((clock.now - started).components.seconds)
        // The figures docs/reverb.md reports: updates to −200, and throughput (progress.csv's steps_per_s counts updates here).
        let rates = rows.dropFirst().map(\.stepsPerSecond)
        print("distributed run: −200 reached at update \(reached.updates) (\(reached.evaluationReturnMean)); \(Int(seconds)) s in all; learner updates/s per row \(rates.map { Int($0) })")
        for actor in actors { print("\(actor.name): \(actor.output.split(separator: "\n").last { $0.contains("env steps") } ?? "")") }
    }

    /// The priorities of `count` items sampled from the run's replay table, by our client (a blocking call for
    /// this synchronous test).
    func sampledPriorities(_ address: String, count: Int) throws -> [Double] {
        let done = DispatchSemaphore(value: 0)
        var outcome: Result<[Double], Error> = .success([])
        Task.detached {
            do {
                let client = try ReverbClient(address)
                let table = try await client.transitionTable("replay", observationSize: 3, actionSize: 1)
                let sample = try await client.sample(from: table, batchSize: count, rateLimiterTimeout: .seconds(60))
                await client.close()
                outcome = .success(sample.priorities)
            } catch {
                outcome = .failure(error)
            }
            done.signal()
        }
        done.wait()
        return try outcome.get()
    }

    /// Each refusal is one sentence, before anything is inserted or sampled (the tables stay empty, no run directory is made).
    func testBadAddressMissingTableAndSignatureMismatchAreRefused() throws {
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["replay", "weights"])
        self.server = server
        let run = directory.appendingPathComponent("refused")
        let cases: [(arguments: [String], message: String)] = [
            (["actor", "--replay", "reverb://127.0.0.1/replay"], "Error: The Reverb address 'reverb://127.0.0.1/replay' does not parse: it has no ':PORT' after the host."),
            (["actor", "--replay", server.address], "Error: The Reverb address '\(server.address)' does not parse: it names no table; write reverb://HOST:PORT/TABLE."),
            (["actor", "--replay", "\(server.address)/nosuch"], "Error: The Reverb server has no table 'nosuch' (its tables: replay, weights)."),
            (["actor", "--replay", "\(server.address)/replay", "--weights-table", "policy"], "Error: The Reverb server has no table 'policy' (its tables: replay, weights)."),
            (["actor", "--replay", "\(server.address)/replay", "--env", "MountainCarContinuous-v0"],
             "Error: The signature of Reverb table 'replay' does not match this run: column 'next_observation' has shape [3], this run needs [2]."),
            (["train", "sac", "--replay", "\(server.address)/nosuch", "--steps", "10", "--run-dir", run.path],
             "Error: The Reverb server has no table 'nosuch' (its tables: replay, weights)."),
            (["train", "sac", "--replay", "\(server.address)/replay", "--env", "MountainCarContinuous-v0", "--steps", "10", "--run-dir", run.path],
             "Error: The signature of Reverb table 'replay' does not match this run: column 'next_observation' has shape [3], this run needs [2]."),
        ]
        for (arguments, message) in cases {
            let (status, output) = try RunProcess.run(arguments, logIn: directory, timeout: 60)
            XCTAssertEqual(status, 1, "\(arguments): \(output)")
            XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), message, "\(arguments)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "a refused run leaves no directory")
    }
}
