import Randomness
import XCTest
@testable import ReplayStore
import Transitions

/// Random appends, samples and reopenings, checked against a plain in-memory model of the store's
/// documented rules (whole-chunk FIFO eviction, pinned demonstration chunks, newest chunk kept).
final class PropertyTests: XCTestCase {
    struct Model {
        let chunkLength: Int
        let capacity: Int
        var sources: [TransitionSource] = []  // by global index
        var evictionCursor = 0
        var evicted = Set<Int>()  // chunk indices

        var total: Int { sources.count }
        func isPinned(_ chunk: Int) -> Bool {
            sources[(chunk * chunkLength)..<min((chunk + 1) * chunkLength, total)].contains(.demonstration)
        }
        var live: [Int] {
            (0..<total).filter { !evicted.contains($0 / chunkLength) }
        }
        mutating func append(_ count: Int, source: TransitionSource) {
            sources += Array(repeating: source, count: count)
            let newest = (total - 1) / chunkLength
            while live.count > capacity && evictionCursor < newest {
                if !isPinned(evictionCursor) { evicted.insert(evictionCursor) }
                evictionCursor += 1
            }
        }
    }

    func testRandomOperationsAgreeWithAnInMemoryModel() throws {
        var random = SeededGenerator(seed: 2024)
        for round in 0..<6 {
            let chunkLength = [1, 3, 8, 16][random.nextIndex(below: 4)]
            let capacity = chunkLength + random.nextIndex(below: 150)
            let path = try temporaryDirectory(self) + "/store"
            let schema = StoreSchema(observationSize: 3, actionSize: 2, capacity: capacity, chunkLength: chunkLength,
                                     columnFilter: ColumnFilter.allCases[round % 3])
            var options = StoreOptions(cacheBudgetBytes: random.nextIndex(below: 2) == 0 ? 0 : 1 << 20)
            options.durability = .processCrashSafe
            var store: ReplayStore? = try ReplayStore.create(at: path, schema: schema, options: options)
            var model = Model(chunkLength: chunkLength, capacity: capacity)
            var sampler = SeededGenerator(seed: UInt64(round))
            var batch = TransitionBatch(observationSize: 3, actionSize: 2)
            for step in 0..<60 {
                switch random.nextIndex(below: 10) {
                case 0..<5:
                    let count = random.nextIndex(below: 3) == 0 ? 1 : random.nextIndex(below: 3 * chunkLength + 2) + 1
                    let source: TransitionSource = random.nextIndex(below: 8) == 0 ? .demonstration : .online
                    try store!.append(labelled(model.total..<(model.total + count), source: source))
                    model.append(count, source: source)
                case 5..<9:
                    guard model.total > 0 else { continue }
                    try store!.sample(batchSize: 64, using: &sampler, into: &batch)
                    let live = Set(model.live)
                    for row in 0..<batch.count {
                        let index = labelIndex(of: batch, row: row)
                        XCTAssertTrue(live.contains(index), "round \(round) step \(step): sampled \(index), which the model evicted")
                        XCTAssertEqual(batch.sources[row], model.sources[index])
                    }
                default:
                    store = nil
                    store = try ReplayStore.open(at: path, options: options)
                }
                XCTAssertEqual(store!.transitionCount, model.live.count, "round \(round) step \(step)")
                XCTAssertEqual(store!.appendedCount, model.total)
            }
            let report = try store!.verify()
            XCTAssertNil(report.firstProblem, "round \(round): \(report.firstProblem ?? "")")
            XCTAssertEqual(report.transitionsChecked, model.live.count)
        }
    }

    /// Uniformity: with 40 live transitions and 40,960 draws, each count stays near 1,024 (chi-square).
    func testSamplingIsUniformOverLiveTransitions() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 40, chunkLength: 8))
        try store.append(labelled(0..<13))
        try store.append(labelled(13..<60, source: .online))  // evicts to 36 live + keeps whole chunks
        let live = store.transitionCount
        var counts = [Int: Int]()
        var generator = SeededGenerator(seed: 77)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2)
        let draws = 160
        for _ in 0..<draws {
            try store.sample(batchSize: 256, using: &generator, into: &batch)
            for index in batch.rewards { counts[Int(index), default: 0] += 1 }
        }
        XCTAssertEqual(counts.count, live)
        let expected = Double(draws * 256) / Double(live)
        let chiSquare = counts.values.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        // 99.9th percentile of chi-square with 35 degrees of freedom is about 66.6.
        XCTAssertLessThan(chiSquare, 66.6)
    }
}
