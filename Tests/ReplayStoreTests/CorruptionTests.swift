import Foundation
import Randomness
import XCTest
@testable import ReplayStore

final class CorruptionTests: XCTestCase {
    /// Damages chunk 5's frame inside data.mdb (as a bad disk would) and returns the store path.
    private func storeWithDamagedChunk(flipping position: (Int) -> Int) throws -> String {
        let path = try temporaryDirectory(self) + "/store"
        let record: [UInt8]
        do {
            let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 17, actionSize: 6, capacity: 10_000, chunkLength: 8))
            var stream = SyntheticTransitions(seed: 21)
            try store.append(stream.batch(0..<200))
            record = try XCTUnwrap(store.rawRecord(ofChunk: 5))
        }
        let file = URL(fileURLWithPath: path + "/data.mdb")
        var data = try Data(contentsOf: file)
        let frame = Data(record[ChunkRecordHeader.size...])
        let range = try XCTUnwrap(data.range(of: frame), "the chunk's frame is in the data file")
        data[range.lowerBound + position(frame.count)] ^= 0x5A
        try data.write(to: file)
        return path
    }

    func testVerifyNamesAChunkWhoseChecksumFails() throws {
        let path = try storeWithDamagedChunk { $0 - 1 }  // last byte: the frame's content checksum
        let store = try ReplayStore.open(at: path, options: StoreOptions(cacheBudgetBytes: 0))
        let report = try store.verify()
        let problem = try XCTUnwrap(report.firstProblem)
        XCTAssertTrue(problem.hasPrefix("chunk 5 (transitions 40..<48)"), problem)
        XCTAssertTrue(problem.lowercased().contains("checksum"), problem)
        XCTAssertEqual(report.chunksChecked, 5, "chunks before the bad one checked fine")

        // Sampling that reaches the bad chunk names it; the rest of the store stays readable and writable.
        var generator = SeededGenerator(seed: 3)
        var sawError = false
        for _ in 0..<20 {
            do { _ = try store.sample(batchSize: 64, using: &generator) } catch let ReplayStoreError.corruptChunk(chunk, first, _) {
                XCTAssertEqual([chunk, first], [5, 40]); sawError = true
            }
        }
        XCTAssertTrue(sawError)
        var stream = SyntheticTransitions(seed: 21)
        try store.append(stream.batch(200..<210))
        XCTAssertEqual(store.transitionCount, 210)
    }

    func testVerifyNamesAChunkWhoseFrameDoesNotDecode() throws {
        let path = try storeWithDamagedChunk { $0 / 2 }
        let report = try ReplayStore.open(at: path).verify()
        XCTAssertTrue(try XCTUnwrap(report.firstProblem).hasPrefix("chunk 5 "), report.firstProblem ?? "")
    }

    func testVerifyCommandExitsNonZeroNamingTheChunk() throws {
        let path = try storeWithDamagedChunk { $0 - 2 }
        let result = try runOffpolicy(["replay", "verify", path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.error.contains("chunk 5 "), result.error)
    }

    func testADecompressedSizeThatDoesNotMatchTheSchemaIsNamed() throws {
        let wide = StoreSchema(observationSize: 4, actionSize: 2, capacity: 100, chunkLength: 8)
        let narrow = StoreSchema(observationSize: 3, actionSize: 2, capacity: 100, chunkLength: 8)
        let wideCodec = try ChunkCodec(schema: wide)
        let record = Array(try wideCodec.encode(labelled(0..<8, observationSize: 4), rows: 0..<8, firstTransition: 0, pinsDemonstrations: true))
        let narrowCodec = try ChunkCodec(schema: narrow)
        let chunk = DecodedChunk(capacity: 8, layout: narrowCodec.layout)
        XCTAssertThrowsError(try record.withUnsafeBytes { try narrowCodec.decode($0, chunkIndex: 0, into: chunk) }) { error in
            guard case let ReplayStoreError.corruptChunk(index, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(index, 0)
            XCTAssertTrue(reason.contains("does not match the schema"), reason)
        }
    }
}
