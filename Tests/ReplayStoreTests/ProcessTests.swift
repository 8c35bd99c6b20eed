import TestSupport
import Foundation
import Randomness
import XCTest
@testable import ReplayStore
import Transitions

/// Real processes: the `offpolicy` binary killed with SIGKILL mid-write, and one writer with two readers.
final class ProcessTests: XCTestCase {
    /// Starts `offpolicy arguments...` with stdout piped.
    func start(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = try OffpolicyExecutable.url()
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, output)
    }

    /// Reads stdout until `lines` `committed` lines arrived (or EOF); returns the text read.
    private func readCommitted(_ pipe: Pipe, lines: Int) -> String {
        var text = ""
        while text.components(separatedBy: "committed ").count - 1 < lines {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return text
    }

    private func largestCommitted(_ text: String) -> Int {
        text.split(separator: "\n").compactMap { line in
            line.hasPrefix("committed ") ? Int(line.dropFirst("committed ".count)) : nil
        }.max() ?? 0
    }

    func testKillDashNineNeverLosesAnAcknowledgedTransition() throws {
        let path = try temporaryDirectory(self) + "/store"
        var acknowledged = 0
        for round in 0..<4 {
            var arguments = ["replay", "fill", path, "--transitions", "1000000", "--seed", "3", "--commit-every", "\(150 + 97 * round)"]
            if round % 2 == 1 { arguments += ["--durability", "processCrashSafe"] }
            let (process, output) = try start(arguments)
            var text = readCommitted(output, lines: 3 + 2 * round)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "round \(round): fill was killed mid-run")
            let committed = largestCommitted(text)
            XCTAssertGreaterThan(committed, acknowledged, "round \(round) made progress")
            acknowledged = committed
            let store = try ReplayStore.open(at: path)
            XCTAssertGreaterThanOrEqual(store.appendedCount, acknowledged, "round \(round): an acknowledged transition is missing")
        }
        let verify = try runOffpolicy(["replay", "verify", path, "--synthetic-seed", "3"])
        XCTAssertEqual(verify.status, 0, verify.error)
        XCTAssertTrue(verify.output.contains("verify ok"), verify.output)
    }

    func testOneWriterAndTwoReaderProcessesAtOnce() throws {
        let path = try temporaryDirectory(self) + "/store"
        let (writer, writerOutput) = try start(["replay", "fill", path, "--transitions", "40000", "--seed", "5", "--commit-every", "200"])
        _ = readCommitted(writerOutput, lines: 1)
        XCTAssertTrue(writer.isRunning, "readers start while the writer is still appending")
        let readers = try (0..<2).map { reader in
            try start(["replay", "sample", path, "--batch", "256", "--seed", "\(reader)", "--repeat", "60", "--synthetic-seed", "5"])
        }
        var readerTexts: [String] = []
        for (process, output) in readers {
            readerTexts.append(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, readerTexts.last!)
        }
        let writerText = String(decoding: writerOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        writer.waitUntilExit()
        XCTAssertEqual(writer.terminationStatus, 0)
        XCTAssertEqual(largestCommitted(writerText), 40_000)
        for text in readerTexts {
            XCTAssertTrue(text.contains("sampled 60 batches of 256, every transition matches the synthetic stream with seed 5"), text)
        }
        let verify = try runOffpolicy(["replay", "verify", path, "--synthetic-seed", "5"])
        XCTAssertEqual(verify.status, 0, verify.error)
    }
}

extension ProcessTests {
    /// A reader whose map is smaller than what another process grew the store to adopts the new
    /// size (`MDB_MAP_RESIZED`) and keeps sampling.
    func testAReaderAdoptsAMapAnotherProcessGrew() throws {
        let path = try temporaryDirectory(self) + "/store"
        var stream = SyntheticTransitions(seed: 9)
        do {
            let writer = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 17, actionSize: 6),
                                                options: StoreOptions(initialMapSizeBytes: 1 << 20))
            try writer.append(stream.batch(0..<100))
        }
        // A reader process opens read-only: it takes no writer lock, so `replay fill` may write meanwhile.
        let reader = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly, initialMapSizeBytes: 1 << 20))
        var generator = SeededGenerator(seed: 1)
        var batch = TransitionBatch(observationSize: 17, actionSize: 6)
        try reader.sample(batchSize: 16, using: &generator, into: &batch)

        let fill = try runOffpolicy(["replay", "fill", path, "--transitions", "30000", "--seed", "9", "--commit-every", "5000"])
        XCTAssertEqual(fill.status, 0, fill.error)
        XCTAssertTrue(fill.output.hasSuffix("committed 30100\n"), fill.output)

        XCTAssertEqual(try reader.liveTransitionCount(), 30_100)
        XCTAssertGreaterThan(reader.mapSizeBytes, 1 << 20)
        try reader.sample(batchSize: 256, using: &generator, into: &batch)
        for row in 0..<batch.count {
            let index = try XCTUnwrap(stream.index(episodeID: batch.episodeIDs[row], stepIndex: batch.stepIndices[row]))
            XCTAssertEqual(batch.rows(row..<(row + 1)), stream.batch(index..<(index + 1)))
        }
    }
}

extension ProcessTests {
    /// `replay prioritize --rounds` killed with SIGKILL while it commits priority updates, four times: after
    /// each kill, the stored priorities are exactly those of the acknowledged updates, or of one more (the
    /// update committed but not yet printed), never a mix; the tree rebuilt on open agrees with them. The
    /// rounds fold the priority log never (the kill leaves it full: it is replayed on open), at every update,
    /// and every few updates (kills land between and in folds).
    func testKillDashNineDuringPriorityUpdatesLosesNoAcknowledgedUpdate() throws {
        let path = try temporaryDirectory(self) + "/store"
        let fill = try runOffpolicy(["replay", "fill", path, "--transitions", "20000", "--seed", "4", "--commit-every", "5000", "--chunk", "16"])
        XCTAssertEqual(fill.status, 0, fill.error)
        var acknowledged = 0
        var live: [UInt64] = []
        for round in 0..<4 {
            // Each run starts its synthetic rounds at 1 again; what it must leave is a function of its own rounds.
            let before: [UInt64: Float]
            do {
                let store = try ReplayStore.open(at: path)
                before = try store.storedPriorities()?.mapValues(\.priority)
                    ?? Dictionary(uniqueKeysWithValues: (0..<20_000).map { (UInt64($0), Float(1)) })
                live = before.keys.sorted()
            }
            let foldRows = [1_000_000, 0, 500, 300][round]
            var arguments = ["replay", "prioritize", path, "--rounds", "1000000", "--batch", "\(64 + 37 * round)",
                             "--priority-fold-rows", "\(foldRows)"]
            if round % 2 == 1 { arguments += ["--durability", "processCrashSafe"] }
            let (process, output) = try start(arguments)
            var text = readCommittedUpdates(output, lines: 5 + 7 * round)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "round \(round): killed mid-run")
            acknowledged = text.split(separator: "\n").compactMap { line in
                line.hasPrefix("committed update ") ? Int(line.dropFirst("committed update ".count)) : nil
            }.max() ?? 0
            XCTAssertGreaterThanOrEqual(acknowledged, 5 + 7 * round, "round \(round) made progress")
            let store = try ReplayStore.open(at: path)
            let logged = try store.loggedPriorityRows()
            if round == 0 { XCTAssertGreaterThanOrEqual(logged, 64 * acknowledged, "round 0: the kill left every update in the log") }
            if round == 1 { XCTAssertEqual(logged, 0, "round 1: every update was folded") }
            if round >= 2 { XCTAssertLessThan(logged, foldRows, "round \(round): folded every few updates") }
            let stored = try XCTUnwrap(store.storedPriorities()).mapValues(\.priority)
            let updates = SyntheticPriorityUpdates(live: live, batchSize: 64 + 37 * round)
            let exact = updates.priorities(afterRounds: acknowledged, initial: before)
            let oneMore = updates.priorities(afterRounds: acknowledged + 1, initial: before)
            XCTAssertTrue(stored == exact || stored == oneMore,
                          "round \(round): the store holds the priorities of \(acknowledged) acknowledged updates (or one more)")
            XCTAssertGreaterThanOrEqual(try XCTUnwrap(store.maximumPriority()), stored.values.max()!, "the maximum never falls below a stored priority")
            // The tree built on open from these priorities: Σ q equals the stored priorities' (α 1, ε 1).
            var generator = SeededGenerator(seed: 1)
            var batch = TransitionBatch(observationSize: 17, actionSize: 6, zeroedCount: 0)
            var sample = PrioritizedSample()
            try store.samplePrioritized(batchSize: 1, settings: PrioritySettings(alpha: 1, beta: 1, epsilon: 1),
                                        using: &generator, into: &batch, sample: &sample)
            let total = stored.values.reduce(0.0) { $0 + Double($1) + 1 }
            XCTAssertEqual(try XCTUnwrap(store.priorityIndex).tree.total, total, accuracy: 1e-6 * total)
        }
        let verify = try runOffpolicy(["replay", "verify", path, "--synthetic-seed", "4"])
        XCTAssertEqual(verify.status, 0, verify.error)
    }

    /// Reads stdout until `lines` `committed update` lines arrived (or EOF).
    private func readCommittedUpdates(_ pipe: Pipe, lines: Int) -> String {
        var text = ""
        while text.components(separatedBy: "committed update ").count - 1 < lines {
            let data = pipe.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        return text
    }
}
