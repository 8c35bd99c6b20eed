import Foundation
import Randomness
import XCTest
@testable import ReplayStore
import Transitions

/// Random appends (some of demonstrations), evictions, priority updates (some refused), reopenings (each
/// with a random priority-log fold threshold, and closing folds the log) and trees rebuilt from the chunk
/// records plus the log, against a plain reference: a dictionary from global index to (priority, demonstration), a maximum, and
/// FIFO eviction of whole chunks that skips those holding a demonstration.
final class PriorityPropertyTests: XCTestCase {
    private struct Reference {
        let chunkLength: Int, capacity: Int
        var priorities: [Int: (priority: Float, demonstration: Bool)] = [:]
        var maximum: Float = 1
        var appended = 0
        var cursor = 0
        var pinnedBelowCursor: [Int] = []
        var demonstrationChunks = Set<Int>()

        var liveCount: Int { pinnedBelowCursor.count * chunkLength + appended - cursor * chunkLength }

        mutating func append(_ sources: [TransitionSource]) {
            for source in sources {
                priorities[appended] = (maximum, source == .demonstration)
                if source == .demonstration { demonstrationChunks.insert(appended / chunkLength) }
                appended += 1
            }
            let newest = (appended - 1) / chunkLength
            while liveCount > capacity && cursor < newest {
                if demonstrationChunks.contains(cursor) {
                    pinnedBelowCursor.append(cursor)
                } else {
                    for row in 0..<chunkLength { priorities[cursor * chunkLength + row] = nil }
                }
                cursor += 1
            }
        }
    }

    func testRandomOperationsKeepStoreAndTreeEqualToAReference() throws {
        let path = try temporaryDirectory(self) + "/store"
        let chunkLength = 4, capacity = 24
        var random = SeededGenerator(seed: 21)
        // Fold at every update, after a few rows, after many, or (within this test) never before closing.
        let thresholds = [0, 1, 7, 30, 100_000]
        var threshold = 7
        var store: ReplayStore? = try ReplayStore.create(
            at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: capacity, chunkLength: chunkLength),
            options: StoreOptions(priorityLogFoldRows: threshold))
        var reference = Reference(chunkLength: chunkLength, capacity: capacity)
        let settings = PrioritySettings(alpha: 0.8, beta: 0.6, epsilon: 0.05, demonstrationBonus: 0.5)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        // The first prioritized use adds priorities to the (empty) store.
        try store!.append(labelled(0..<3))
        reference.append([.online, .online, .online])
        try store!.samplePrioritized(batchSize: 2, settings: settings, using: &random, into: &batch, sample: &sample)
        var refusals = 0, reopenings = 0, rebuilds = 0, folds = 0, loggedAtRebuild = 0
        for step in 0..<600 {
            let operation = random.nextIndex(below: 10)
            if operation < 4 {
                let count = 1 + random.nextIndex(below: 9)
                let sources: [TransitionSource] = (0..<count).map { _ in random.nextIndex(below: 12) == 0 ? .demonstration : .online }
                var rows = TransitionBatch(observationSize: 3, actionSize: 2)
                for (k, source) in sources.enumerated() { rows.appendRows(of: labelled(reference.appended + k, source: source), 0..<1) }
                try store!.append(rows)
                reference.append(sources)
            } else if operation < 8 {
                let live = reference.priorities.keys.sorted()
                let count = 1 + random.nextIndex(below: 6)
                var indices = (0..<count).map { _ in UInt64(live[random.nextIndex(below: live.count)]) }
                var values = (0..<count).map { _ in Float(random.nextIndex(below: 1000)) / 100 }
                let refused = random.nextIndex(below: 6) == 0
                if refused {
                    if random.nextIndex(below: 2) == 0 {
                        values[count - 1] = [Float.nan, -1, .infinity][random.nextIndex(below: 3)]
                    } else {
                        let dead = (0..<reference.appended + 3).filter { reference.priorities[$0] == nil }
                        indices[count - 1] = UInt64(dead[random.nextIndex(below: dead.count)])
                    }
                    XCTAssertThrowsError(try store!.updatePriorities(indices: indices, priorities: values), "step \(step)")
                    refusals += 1
                } else {
                    let logged = try store!.loggedPriorityRows()
                    try store!.updatePriorities(indices: indices, priorities: values)
                    for (index, value) in zip(indices, values) {
                        reference.priorities[Int(index)]!.priority = value
                        reference.maximum = max(reference.maximum, value)
                    }
                    // The log grows by the update's rows, or is folded (emptied) once it reaches the threshold.
                    let expected = logged + count >= threshold ? 0 : logged + count
                    XCTAssertEqual(try store!.loggedPriorityRows(), expected, "step \(step): rows in the log")
                    if expected == 0 { folds += 1 }
                }
            } else if operation == 8 && random.nextIndex(below: 2) == 0 {
                store = nil
                XCTAssertEqual(try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly)).loggedPriorityRows(), 0,
                               "step \(step): closing folded the log")
                threshold = thresholds[random.nextIndex(below: thresholds.count)]
                store = try ReplayStore.open(at: path, options: StoreOptions(priorityLogFoldRows: threshold))
                reopenings += 1
            } else if operation == 8 {
                // A fresh tree from the chunk records with the log replayed over them, as a reader or a reopened
                // writer builds it (`check` below compares it with the reference).
                loggedAtRebuild += try store!.loggedPriorityRows()
                _ = try store!.rebuildPriorityIndex(settings: settings)
                rebuilds += 1
            } else {
                try store!.samplePrioritized(batchSize: 8, settings: settings, using: &random, into: &batch, sample: &sample)
                for row in 0..<8 { XCTAssertEqual(Float(sample.indices[row]), batch.rewards[row], "step \(step): index names its row") }
            }
            try check(store!, against: reference, settings: settings, step: step)
        }
        XCTAssertGreaterThan(refusals, 10)
        XCTAssertGreaterThan(reopenings, 10)
        XCTAssertGreaterThan(rebuilds, 10)
        XCTAssertGreaterThan(folds, 20, "the log was folded many times")
        XCTAssertGreaterThan(loggedAtRebuild, 50, "trees were rebuilt over a non-empty log")
        XCTAssertGreaterThan(reference.pinnedBelowCursor.count, 0, "some demonstrations were pinned past the cursor")
        XCTAssertGreaterThan(reference.cursor, 50, "many chunks were evicted")
        XCTAssertNil(try store!.verify().firstProblem)
    }

    /// The stored priorities equal the reference; so does the tree of the process (kept current, or rebuilt
    /// after a reopen by the sample inside): its total Σ q and minimum q over live transitions.
    private func check(_ store: ReplayStore, against reference: Reference, settings: PrioritySettings, step: Int) throws {
        let stored = try XCTUnwrap(store.storedPriorities())
        XCTAssertEqual(stored.count, reference.priorities.count, "step \(step): live transitions")
        for (index, entry) in reference.priorities {
            guard let actual = stored[UInt64(index)] else { XCTFail("step \(step): \(index) missing"); continue }
            XCTAssertEqual(actual.priority, entry.priority, "step \(step): priority of \(index)")
            XCTAssertEqual(actual.demonstration, entry.demonstration, "step \(step): flag of \(index)")
        }
        XCTAssertEqual(try store.maximumPriority(), reference.maximum, "step \(step): maximum priority")
        var generator = SeededGenerator(seed: UInt64(step))
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        try store.samplePrioritized(batchSize: 1, settings: settings, using: &generator, into: &batch, sample: &sample)
        let index = try XCTUnwrap(store.priorityIndex)
        let q = reference.priorities.values.map { pow(Double($0.priority) + 0.05 + ($0.demonstration ? 0.5 : 0), 0.8) }
        XCTAssertEqual(index.liveCount, reference.priorities.count, "step \(step): leaves in the tree")
        XCTAssertEqual(index.tree.total, q.reduce(0, +), accuracy: 1e-9 * Double(q.count), "step \(step): Σ q")
        XCTAssertEqual(index.tree.minimum, q.min()!, accuracy: 1e-12, "step \(step): min q")
    }
}
