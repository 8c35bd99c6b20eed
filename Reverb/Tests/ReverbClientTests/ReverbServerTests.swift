import Foundation
import Transitions
import XCTest
@testable import ReverbClient

/// Against a real Reverb server (dm-reverb 0.14) started on loopback by the test, and Reverb's own Python client.
final class ReverbServerTests: XCTestCase {
    nonisolated(unsafe) static var server: ReverbServerProcess?
    static let tables = ["fifo", "uniform", "prioritized", "limited", "replay", "weights"]

    override class func setUp() {
        super.setUp()
        server = try? ReverbServerProcess(observationSize: 3, actionSize: 1, tables: tables)
    }

    override class func tearDown() {
        server?.stop()
        server = nil
        super.tearDown()
    }

    func connect() throws -> (ReverbClient, ReverbServerProcess) {
        try ReverbServerProcess.requirePython()
        guard let server = Self.server else { XCTFail("the Reverb server did not start"); throw XCTSkip("no server") }
        return (try ReverbClient(server.address, callTimeout: .seconds(20)), server)
    }

    /// Transition i: values worked out from i alone, so a row read back can be checked against its index.
    static func transitions(_ range: Range<Int>) -> TransitionBatch {
        var batch = TransitionBatch(observationSize: 3, actionSize: 1)
        for i in range {
            let x = Float(i)
            batch.append(observation: [x, x + 0.25, -x], action: [0.5 * x], reward: x + 0.125, nextObservation: [x + 1, x + 1.25, -x - 1],
                         terminated: i % 5 == 4, truncated: i % 7 == 6, behaviorLogProbability: i % 3 == 0 ? .nan : -x / 8,
                         episodeID: UInt64(1 + i / 5), stepIndex: UInt32(i % 5))
        }
        return batch
    }

    /// Row `row` of `batch` as reverb-interop.py prints an item's columns.
    static func columns(of batch: TransitionBatch, row: Int) -> [String: [UInt32]] {
        let o = batch.observationSize, a = batch.actionSize
        return [
            "observation": batch.observations[row * o..<(row + 1) * o].map(\.bitPattern),
            "action": batch.actions[row * a..<(row + 1) * a].map(\.bitPattern),
            "reward": [batch.rewards[row].bitPattern],
            "next_observation": batch.nextObservations[row * o..<(row + 1) * o].map(\.bitPattern),
            "terminated": [batch.terminated[row] ? 1 : 0],
            "truncated": [batch.truncated[row] ? 1 : 0],
            "behavior_log_probability": [batch.behaviorLogProbabilities[row].bitPattern],
        ]
    }

    func testServerInfoDescribesTheTables() async throws {
        let (client, _) = try connect()
        let tables = try await client.serverInfo()
        XCTAssertEqual(Set(tables.map(\.name)), Set(Self.tables))
        let prioritized = try XCTUnwrap(tables.first { $0.name == "prioritized" })
        XCTAssertEqual(prioritized.sampler, .prioritized(exponent: 0.6))
        XCTAssertEqual(prioritized.remover, .fifo)
        XCTAssertEqual(prioritized.maxSize, 1_000_000)
        let fifo = try XCTUnwrap(tables.first { $0.name == "fifo" })
        XCTAssertEqual(fifo.sampler, .fifo)
        XCTAssertEqual(fifo.maxTimesSampled, 1)
        XCTAssertEqual(fifo.signature?.map(\.name), TransitionColumn.allCases.map(\.name))
        XCTAssertEqual(fifo.signature?.first { $0.name == "observation" }, ReverbTensorSpec(name: "observation", shape: [3], dataType: "float32"))
        let replay = try XCTUnwrap(tables.first { $0.name == "replay" })
        XCTAssertEqual(replay.rateLimiter.samplesPerInsert, 256)
        XCTAssertEqual(replay.rateLimiter.minSizeToSample, 1)
        // SampleToInsertRatio with error buffer E: min_diff = min_size × spi − E, max_diff = min_size × spi + E.
        XCTAssertEqual(replay.rateLimiter.minDiff, 256 - 100_000)
        XCTAssertEqual(replay.rateLimiter.maxDiff, 256 + 100_000)
        let weights = try XCTUnwrap(tables.first { $0.name == "weights" })
        XCTAssertNil(weights.signature)
        XCTAssertEqual(weights.maxSize, 1)
    }

    func testUnknownTableAndSignatureMismatchAreRefused() async throws {
        let (client, _) = try connect()
        do {
            _ = try await client.transitionTable("nope", observationSize: 3, actionSize: 1)
            XCTFail("an unknown table was accepted")
        } catch let error as ReverbError {
            XCTAssertEqual(error, .unknownTable("nope", available: Self.tables.sorted()))
            XCTAssertEqual("\(error)", "The Reverb server has no table 'nope' (its tables: fifo, limited, prioritized, replay, uniform, weights).")
        }
        do {
            _ = try await client.transitionTable("uniform", observationSize: 4, actionSize: 1)
            XCTFail("a mismatched signature was accepted")
        } catch let error as ReverbError {
            XCTAssertEqual(error, .signatureMismatch(table: "uniform", reason: "column 'next_observation' has shape [3], this run needs [4]"))
        }
        do {
            _ = try await client.transitionTable("weights", observationSize: 3, actionSize: 1)
            XCTFail("a table without a signature was accepted")
        } catch let error as ReverbError {
            XCTAssertEqual(error, .signatureMismatch(table: "weights", reason: "the table has no signature; it needs the seven transition columns"))
        }
    }

    func testWhatWeInsertPythonReadsBackEqual() async throws {
        let (client, server) = try connect()
        try await client.reset(table: "fifo")
        let table = try await client.transitionTable("fifo", observationSize: 3, actionSize: 1)
        let writer = client.makeWriter(for: table, chunkLength: 4)
        let batch = Self.transitions(0..<10)
        try await writer.append(batch)
        try await writer.flush()
        let acknowledged = await writer.acknowledgedItemCount
        XCTAssertEqual(acknowledged, 10)
        let size = try await client.tableInfo("fifo").currentSize
        XCTAssertEqual(size, 10)
        try await writer.close()

        // The FIFO table hands items out once each, in insertion order.
        let items = try ReverbServerProcess.interop(["read", server.pythonAddress, "fifo", "10"], as: [InteropItem].self)
        XCTAssertEqual(items.count, 10)
        for (row, item) in items.enumerated() {
            XCTAssertEqual(item.columns, Self.columns(of: batch, row: row), "item \(row)")
        }
    }

    func testWhatPythonInsertsWeSampleEqual() async throws {
        let (client, server) = try connect()
        try await client.reset(table: "fifo")
        let written = try ReverbServerProcess.interop(["write", server.pythonAddress, "fifo", "12", "3", "1", "7"], as: [InteropItem].self)
        let table = try await client.transitionTable("fifo", observationSize: 3, actionSize: 1)
        let sample = try await client.sample(from: table, batchSize: 12)
        XCTAssertEqual(sample.batch.count, 12)
        for row in 0..<12 {
            XCTAssertEqual(Self.columns(of: sample.batch, row: row), written[row].columns, "row \(row)")
        }
        // reverb-interop.py gives step s the priority 1 + s; the FIFO table reports 12 items at the first sample.
        XCTAssertEqual(sample.priorities, (0..<12).map { 1 + Double($0) })
        XCTAssertEqual(sample.tableSizes.first, 12)
        XCTAssertEqual(Set(sample.keys).count, 12)
    }

    func testUniformSampleCarriesProbabilityAndTableSize() async throws {
        let (client, _) = try connect()
        try await client.reset(table: "uniform")
        let table = try await client.transitionTable("uniform", observationSize: 3, actionSize: 1)
        let writer = client.makeWriter(for: table, chunkLength: 3)
        let batch = Self.transitions(0..<8)
        try await writer.append(batch)
        try await writer.flush()
        let sample = try await client.sample(from: table, batchSize: 32)
        XCTAssertEqual(sample.probabilities, [Double](repeating: 1.0 / 8, count: 32))
        XCTAssertEqual(sample.tableSizes, [Int64](repeating: 8, count: 32))
        XCTAssertEqual(sample.importanceWeights(exponent: 0.4), [Float](repeating: 1, count: 32))
        for row in 0..<32 {
            // reward = i + 0.125 names the transition; the whole row must be transition i's.
            let i = Int(sample.batch.rewards[row])
            XCTAssertEqual(Self.columns(of: sample.batch, row: row), Self.columns(of: batch, row: i), "row \(row)")
            XCTAssertEqual(sample.batch.episodeIDs[row], UInt64(1 + i / 5))
            XCTAssertEqual(sample.batch.stepIndices[row], UInt32(i % 5))
        }
    }

    func testMutatePrioritiesUpdatesProbabilitiesAndDeletes() async throws {
        let (client, _) = try connect()
        try await client.reset(table: "prioritized")
        let table = try await client.transitionTable("prioritized", observationSize: 3, actionSize: 1)
        let writer = client.makeWriter(for: table, chunkLength: 4)
        try await writer.append(Self.transitions(0..<4), priorities: [1, 1, 1, 1])
        try await writer.flush()

        var keyOf = [Int: UInt64]()
        for _ in 0..<20 where keyOf.count < 4 {
            let sample = try await client.sample(from: table, batchSize: 16)
            XCTAssertEqual(sample.probabilities, [Double](repeating: 0.25, count: 16))
            for row in 0..<16 { keyOf[Int(sample.batch.rewards[row])] = sample.keys[row] }
        }
        XCTAssertEqual(keyOf.count, 4)

        // Priorities 1, 2, 3, 4 with exponent 0.6: P(i) = p_i^0.6 / Σ p^0.6, Σ = 1 + 1.5157166 + 1.9331820 + 2.2973967 = 6.7462953.
        try await client.mutatePriorities(table: "prioritized", updates: (0..<4).map { (key: keyOf[$0]!, priority: Double($0 + 1)) })
        let expected: [Double] = [1 / 6.7462953, 1.5157166 / 6.7462953, 1.9331820 / 6.7462953, 2.2973967 / 6.7462953]
        let sample = try await client.sample(from: table, batchSize: 64)
        for row in 0..<64 {
            let i = Int(sample.batch.rewards[row])
            XCTAssertEqual(sample.keys[row], keyOf[i])
            XCTAssertEqual(sample.priorities[row], Double(i + 1))
            XCTAssertEqual(sample.probabilities[row], expected[i], accuracy: 1e-6)
        }

        // Deleting item 3 leaves 1, 2, 3: Σ = 4.4488986.
        try await client.mutatePriorities(table: "prioritized", deletes: [keyOf[3]!])
        let after = try await client.sample(from: table, batchSize: 32)
        XCTAssertEqual(after.tableSizes, [Int64](repeating: 3, count: 32))
        for row in 0..<32 {
            let i = Int(after.batch.rewards[row])
            XCTAssertLessThan(i, 3)
            XCTAssertEqual(after.probabilities[row], [1, 1.5157166, 1.9331820][i] / 4.4488986, accuracy: 1e-6)
        }
        await XCTAssertThrowsErrorAsync(try await client.mutatePriorities(table: "prioritized", updates: [(key: 1, priority: -1)])) { error in
            XCTAssertEqual(error as? ReverbError, .invalidArgument("the priority of item 1 is -1.0; priorities must be finite and not negative"))
        }
    }

    func testRateLimiterTimeoutIsARetryableError() async throws {
        let (client, _) = try connect()
        let table = try await client.transitionTable("limited", observationSize: 3, actionSize: 1)
        await XCTAssertThrowsErrorAsync(try await client.sample(from: table, batchSize: 1, rateLimiterTimeout: .milliseconds(200))) { error in
            XCTAssertEqual(error as? ReverbError, .rateLimiterTimeout(table: "limited", milliseconds: 200))
            XCTAssertEqual((error as? ReverbError)?.isRetryable, true)
        }
    }

    func testWidthsThatDoNotMatchTheTableAreRefusedBeforeSending() async throws {
        let (client, _) = try connect()
        let table = try await client.transitionTable("uniform", observationSize: 3, actionSize: 1)
        let writer = client.makeWriter(for: table)
        var wide = TransitionBatch(observationSize: 4, actionSize: 1)
        wide.append(observation: [0, 0, 0, 0], action: [0], reward: 0, nextObservation: [0, 0, 0, 0], terminated: false, truncated: false,
                    episodeID: 1, stepIndex: 0)
        await XCTAssertThrowsErrorAsync(try await writer.append(wide)) { error in
            XCTAssertEqual("\(error)", "Invalid argument for the Reverb client: a batch of 4-wide observations and 1-wide actions cannot go into table 'uniform', which holds 3 and 1.")
        }
        await XCTAssertThrowsErrorAsync(try await writer.append(Self.transitions(0..<2), priorities: [1])) { error in
            XCTAssertEqual(error as? ReverbError, .invalidArgument("1 priorities were given for 2 transitions"))
        }
        await XCTAssertThrowsErrorAsync(try await client.sample(from: table, batchSize: 0)) { error in
            XCTAssertEqual(error as? ReverbError, .invalidArgument("the batch size must be positive, got 0"))
        }
    }

    func testAServerThatGoesAwayGivesARetryableErrorAndTheWriterResendsOnReturn() async throws {
        let first = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["uniform"])
        let client = try ReverbClient(first.address, callTimeout: .seconds(2))
        let table = try await client.transitionTable("uniform", observationSize: 3, actionSize: 1)
        let writer = client.makeWriter(for: table, chunkLength: 2, reconnectAttempts: 6)
        try await writer.append(Self.transitions(0..<2))
        try await writer.flush()
        first.kill()
        await XCTAssertThrowsErrorAsync(try await client.serverInfo()) { error in
            guard case .unavailable? = error as? ReverbError else { return XCTFail("expected unavailable, got \(error)") }
            XCTAssertEqual((error as? ReverbError)?.isRetryable, true)
        }
        // Transitions 2 and 3 (episode 1) form one chunk; the writer cannot deliver it and says so, keeping both items.
        try await writer.append(Self.transitions(2..<4))
        await XCTAssertThrowsErrorAsync(try await writer.flush()) { error in
            XCTAssertEqual((error as? ReverbError)?.isRetryable, true, "\(error)")
        }
        var unconfirmed = await writer.unacknowledgedItemCount
        XCTAssertEqual(unconfirmed, 2)

        // A server back on the same port: flush sends the kept items again, and they arrive.
        let second = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["uniform"], port: first.port)
        try await writer.flush()
        unconfirmed = await writer.unacknowledgedItemCount
        XCTAssertEqual(unconfirmed, 0)
        let size = try await client.tableInfo("uniform").currentSize
        XCTAssertEqual(size, 2)
        let sample = try await client.sample(from: table, batchSize: 8)
        XCTAssertEqual(Set(sample.batch.rewards), [2.125, 3.125])
        second.kill()
        await client.close()
    }
}

func XCTAssertThrowsErrorAsync<T>(_ expression: @autoclosure () async throws -> T, file: StaticString = #filePath, line: UInt = #line,
                                  _ handler: (any Error) -> Void) async {
    do {
        _ = try await expression()
        XCTFail("no error was thrown", file: file, line: line)
    } catch {
        handler(error)
    }
}
