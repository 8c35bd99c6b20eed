import TestSupport
import Foundation
import Randomness
import XCTest
@testable import ReplayStore
import Transitions

/// Real processes: the `offpolicy` binary killed with SIGKILL mid-write, and one writer with two readers.
final class ProcessTests: XCTestCase {
    /// Starts `offpolicy arguments...` with stdout piped.
    private func start(_ arguments: [String]) throws -> (Process, Pipe) {
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
