import Randomness
import XCTest
@testable import ReplayStore
import Transitions

final class RoundTripTests: XCTestCase {
    /// Every column filter and a partial tail: what goes in comes out bit for bit, after a reopen too.
    func testEveryTransitionRoundTripsBitExactlyForEveryFilter() throws {
        for filter in ColumnFilter.allCases {
            let path = try temporaryDirectory(self) + "/store"
            let schema = StoreSchema(observationSize: 17, actionSize: 6, capacity: 10_000, chunkLength: 16, columnFilter: filter)
            var stream = SyntheticTransitions(seed: 11)
            do {
                let store = try ReplayStore.create(at: path, schema: schema)
                try store.append(stream.batch(0..<1_000))
                try store.append(stream.batch(1_000..<1_005))  // partial tail
                XCTAssertEqual(store.transitionCount, 1_005)
            }
            let store = try ReplayStore.open(at: path)
            XCTAssertEqual(store.schema, schema)
            let report = try store.verify(expected: SyntheticTransitions(seed: 11))
            XCTAssertNil(report.firstProblem, "\(filter): \(report.firstProblem ?? "")")
            XCTAssertEqual(report.transitionsChecked, 1_005)
            XCTAssertEqual(report.chunksChecked, 63)
        }
    }

    func testSampledRowsAreWholeAppendedTransitions() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 1_000, chunkLength: 8))
        try store.append(labelled(0..<100))
        var generator = SeededGenerator(seed: 5)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2)
        var seen = Set<Int>()
        for _ in 0..<10 {
            try store.sample(batchSize: 256, using: &generator, into: &batch)
            XCTAssertEqual(batch.count, 256)
            for row in 0..<batch.count { seen.insert(labelIndex(of: batch, row: row)) }
        }
        XCTAssertEqual(seen, Set(0..<100), "2560 uniform draws from 100 transitions reach all of them")
    }

    /// The training-loop pattern: one transition per append, a sample after each; the newest
    /// transition is visible at once, and the store holds no copy beside LMDB.
    func testSingleTransitionAppendsAreImmediatelySampled() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 1_000, chunkLength: 8),
                                           options: StoreOptions(durability: .processCrashSafe))
        var generator = SeededGenerator(seed: 9)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2)
        for index in 0..<40 {
            try store.append(labelled(index))
            XCTAssertEqual(store.transitionCount, index + 1)
            try store.sample(batchSize: 1_024, using: &generator, into: &batch)
            var seen = Set<Int>()
            for row in 0..<batch.count { seen.insert(labelIndex(of: batch, row: row)) }
            XCTAssertEqual(seen, Set(0...index), "after appending transition \(index)")
        }
        try store.sync()
        XCTAssertNil(try store.verify().firstProblem)
    }

    func testSamplingIsReproducibleForASeed() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 1_000, chunkLength: 8))
        try store.append(labelled(0..<300))
        var first = SeededGenerator(seed: 3), second = SeededGenerator(seed: 3)
        XCTAssertEqual(try store.sample(batchSize: 64, using: &first), try store.sample(batchSize: 64, using: &second))
    }

    func testSamplingAnEmptyStoreIsAClearError() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 100, chunkLength: 8))
        var generator = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try store.sample(batchSize: 4, using: &generator)) { error in
            XCTAssertEqual(error as? ReplayStoreError, .empty(path: path))
        }
    }
}
