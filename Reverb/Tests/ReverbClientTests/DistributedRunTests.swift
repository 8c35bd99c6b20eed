import Foundation
import ReverbClient
import RunFiles
import XCTest

/// The distributed run of `DistributedRunTestCase` on loopback, every process on this host; afterwards, the learner's
/// TD errors are read back from the table's priorities. Also the refusals of bad addresses and tables.
final class DistributedRunTests: DistributedRunTestCase {
    func testSACOnPendulumLearnsAcrossActorAndLearnerRestarts() throws {
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["replay", "weights"], options: Self.serverOptions)
        self.server = server
        try runSACOnPendulumAcrossRestarts(server, label: "distributed run on loopback")

        // The learner mutated the priorities: actors insert at 1, the learner sets |δ| + ε on every item it samples
        // (128 samples per insert, so nearly every item has been sampled by now).
        let priorities = try sampledPriorities(server.address, count: 256)
        XCTAssertTrue(priorities.allSatisfy { $0.isFinite && $0 > 0 }, "\(priorities)")
        XCTAssertGreaterThan(priorities.filter { $0 != 1 }.count, 128, "most sampled items carry a TD-error priority: \(priorities.prefix(20))")
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
