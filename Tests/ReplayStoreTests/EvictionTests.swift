import Randomness
import XCTest
@testable import ReplayStore

final class EvictionTests: XCTestCase {
    func testOldestWholeChunksAreEvictedFirst() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 64, chunkLength: 8))
        for start in stride(from: 0, to: 203, by: 7) { try store.append(labelled(start..<min(start + 7, 203))) }
        // 203 appended; chunks 0..<25 full, chunk 25 holds 3. Live must fit 64 with whole chunks: 7 full + 3.
        XCTAssertEqual(store.transitionCount, 59)
        var generator = SeededGenerator(seed: 4)
        var seen = Set<Int>()
        for _ in 0..<8 {
            let batch = try store.sample(batchSize: 256, using: &generator)
            for row in 0..<batch.count { seen.insert(labelIndex(of: batch, row: row)) }
        }
        XCTAssertEqual(seen, Set(144..<203), "exactly the newest whole chunks remain")
        let report = try store.verify()
        XCTAssertNil(report.firstProblem)
        XCTAssertEqual(report.chunksChecked, 8)
        XCTAssertEqual(try store.statistics().chunks, 8)
    }

    func testPinnedDemonstrationsAreNeverEvicted() throws {
        let path = try temporaryDirectory(self) + "/store"
        let schema = StoreSchema(observationSize: 3, actionSize: 2, capacity: 64, chunkLength: 8)
        do {
            let store = try ReplayStore.create(at: path, schema: schema)
            try store.append(labelled(0..<16, source: .demonstration))
            for start in stride(from: 16, to: 400, by: 12) { try store.append(labelled(start..<min(start + 12, 400))) }
            XCTAssertEqual(store.transitionCount, 64)
        }
        let store = try ReplayStore.open(at: path)
        var generator = SeededGenerator(seed: 8)
        var seen = Set<Int>()
        for _ in 0..<8 {
            let batch = try store.sample(batchSize: 256, using: &generator)
            for row in 0..<batch.count {
                let index = labelIndex(of: batch, row: row)
                seen.insert(index)
                XCTAssertEqual(batch.sources[row], index < 16 ? .demonstration : .online)
            }
        }
        XCTAssertEqual(seen, Set(0..<16).union(352..<400), "demonstrations plus the newest chunks")
        XCTAssertNil(try store.verify().firstProblem)
        XCTAssertEqual(try store.statistics().pinnedChunks, 2)
    }

    func testDemonstrationsAreEvictedWhenPinningIsOff() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 32, chunkLength: 8),
                                           options: StoreOptions(pinsDemonstrations: false))
        try store.append(labelled(0..<16, source: .demonstration))
        try store.append(labelled(16..<80))
        var generator = SeededGenerator(seed: 2)
        let batch = try store.sample(batchSize: 512, using: &generator)
        XCTAssertTrue(batch.rewards.allSatisfy { $0 >= 48 })
    }
}
