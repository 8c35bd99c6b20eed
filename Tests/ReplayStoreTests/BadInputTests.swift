import Randomness
import XCTest
@testable import ReplayStore
import Transitions

final class BadInputTests: XCTestCase {
    private func makeStore(_ options: StoreOptions = StoreOptions()) throws -> ReplayStore {
        try ReplayStore.create(at: try temporaryDirectory(self) + "/store",
                               schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 1_000, chunkLength: 8), options: options)
    }

    func testNaNAndInfinityAreRejectedNamingThePlaceAndNothingIsAppended() throws {
        let store = try makeStore()
        try store.append(labelled(0..<10))
        var batch = labelled(10..<20)
        batch.withUnsafeMutableColumns { $0.observations[3 * 4 + 2] = .nan }
        XCTAssertThrowsError(try store.append(batch)) { error in
            guard case let ReplayStoreError.nonFinite(column, row, component, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual([column, "\(row)", "\(component)"], ["observations", "4", "2"])
        }
        var infinite = labelled(10..<20)
        infinite.withUnsafeMutableColumns { $0.rewards[7] = .infinity }
        XCTAssertThrowsError(try store.append(infinite)) { error in
            XCTAssertEqual(error as? ReplayStoreError, .nonFinite(column: "rewards", row: 7, component: 0, value: .infinity))
        }
        XCTAssertEqual(store.transitionCount, 10, "a rejected batch leaves nothing behind")
        try store.append(labelled(10..<20))  // and the store carries on
        XCTAssertEqual(store.transitionCount, 20)
        XCTAssertNil(try store.verify().firstProblem)
    }

    func testUnknownBehaviorLogProbabilityIsAccepted() throws {
        let store = try makeStore()
        try store.append(labelled(0..<9))  // labelled() puts NaN log-probabilities on every third row
        var generator = SeededGenerator(seed: 1)
        let batch = try store.sample(batchSize: 100, using: &generator)
        XCTAssertTrue(batch.behaviorLogProbabilities.contains { $0.isNaN })
    }

    func testNonFiniteValuesAreStoredWhenAllowed() throws {
        let store = try makeStore(StoreOptions(nonFiniteValues: .allow))
        var batch = labelled(0..<1)
        batch.withUnsafeMutableColumns { $0.actions[1] = -.infinity }
        try store.append(batch)
        var generator = SeededGenerator(seed: 1)
        XCTAssertEqual(try store.sample(batchSize: 1, using: &generator).actions[1], -.infinity)
    }

    /// A batch's columns always hold `count` rows of its widths (they are read-only outside the
    /// Transitions module, and `append` checks each row), so the store compares only the widths.
    func testWrongSizesAreRejected() throws {
        let store = try makeStore()
        XCTAssertThrowsError(try store.append(labelled(0..<4, actionSize: 3))) { error in
            XCTAssertEqual(error as? ReplayStoreError, .wrongSize(column: "actionSize", expected: 2, actual: 3))
        }
        XCTAssertThrowsError(try store.append(labelled(0..<4, observationSize: 4))) { error in
            XCTAssertEqual(error as? ReplayStoreError, .wrongSize(column: "observationSize", expected: 3, actual: 4))
        }
        XCTAssertEqual(store.transitionCount, 0)
    }
}
