import Randomness
import XCTest
@testable import ReplayStore

final class MapGrowthTests: XCTestCase {
    func testAFullMapGrowsAutomaticallyAndNothingIsLost() throws {
        let path = try temporaryDirectory(self) + "/store"
        let small = StoreOptions(initialMapSizeBytes: 1 << 20)
        var stream = SyntheticTransitions(seed: 31)
        do {
            let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 17, actionSize: 6, capacity: 100_000), options: small)
            for start in stride(from: 0, to: 40_000, by: 4_000) { try store.append(stream.batch(start..<(start + 4_000))) }
            XCTAssertGreaterThan(store.mapSizeBytes, 1 << 21, "the 1 MiB map was grown to hold ~4 MB")
        }
        let store = try ReplayStore.open(at: path, options: small)
        XCTAssertGreaterThan(store.mapSizeBytes, 1 << 21, "a reopened store adopts the grown size")
        try store.append(stream.batch(40_000..<44_000))
        let report = try store.verify(expected: SyntheticTransitions(seed: 31))
        XCTAssertNil(report.firstProblem)
        XCTAssertEqual(report.transitionsChecked, 44_000)
    }
}
