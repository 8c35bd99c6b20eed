import Randomness
@testable import ReplayStore
import Transitions
import XCTest

/// Batches with a fixed share of pre-filled demonstrations, also after eviction.
final class DemonstrationSamplingTests: XCTestCase {
    func testDemonstrationsKeepTheirShareAndSurviveEviction() throws {
        let schema = StoreSchema(observationSize: 3, actionSize: 2, capacity: 64, chunkLength: 8)
        let store = try ReplayStore.create(at: try temporaryDirectory(self) + "/store", schema: schema)
        try store.append(labelled(0..<20, source: .demonstration))  // demonstrations: global 0..<20
        try store.append(labelled(20..<200))                         // online; capacity 64 evicts most of it
        var generator = SeededGenerator(seed: 3)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var seenDemonstrations = Set<Int>(), seenOnline = Set<Int>()
        for _ in 0..<200 {
            try store.sample(batchSize: 16, demonstrations: 0..<20, demonstrationCount: 4, using: &generator, into: &batch)
            XCTAssertEqual(batch.count, 16)
            for row in 0..<16 {
                let index = labelIndex(of: batch, row: row)
                if row < 4 {
                    XCTAssertTrue((0..<20).contains(index), "row \(row) is a demonstration: \(index)")
                    XCTAssertEqual(batch.sources[row], .demonstration)
                    seenDemonstrations.insert(index)
                } else {
                    XCTAssertGreaterThanOrEqual(index, 20, "row \(row) is online")
                    seenOnline.insert(index)
                }
            }
        }
        XCTAssertEqual(seenDemonstrations, Set(0..<20), "every demonstration is drawn, none was evicted")
        let cursor = 200 - seenOnline.count
        XCTAssertEqual(seenOnline, Set(cursor..<200), "online rows come from the live ones only")
        XCTAssertThrowsError(try store.sample(batchSize: 16, demonstrations: 0..<20, demonstrationCount: 17, using: &generator, into: &batch))
        for size in [0, -1, Int.max] {
            XCTAssertThrowsError(try store.sample(batchSize: size, demonstrations: 0..<20, demonstrationCount: 0, using: &generator, into: &batch),
                                 "batch size \(size) is an error, not a trap")
        }
        XCTAssertThrowsError(try store.sample(batchSize: 16, demonstrations: 0..<500, demonstrationCount: 4, using: &generator, into: &batch),
                             "demonstrations beyond the store")
    }
}
