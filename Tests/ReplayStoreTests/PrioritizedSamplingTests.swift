import Foundation
import Randomness
import XCTest
@testable import ReplayStore
import Transitions

/// Prioritized sampling: frequencies against p^α / Σ p^α, importance weights against hand-worked values,
/// and refusals that leave the store as it was.
final class PrioritizedSamplingTests: XCTestCase {
    private func store(capacity: Int = 1_000, chunkLength: Int = 4) throws -> ReplayStore {
        try ReplayStore.create(at: try temporaryDirectory(self) + "/store",
                               schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: capacity, chunkLength: chunkLength))
    }

    /// 20 transitions with priorities |δ| = 0, 0.5, …, 9.5, α = 0.7, ε = 0.1: 400,000 draws at seed 11. The
    /// chi-square statistic over 20 cells (19 degrees of freedom) must stay below 43.82, the 0.999 quantile;
    /// uniform draws would give about 52,000.
    func testSamplingFrequenciesMatchPriorityToTheAlpha() throws {
        let store = try store()
        try store.append(labelled(0..<20))
        let priorities = (0..<20).map { Float($0) * 0.5 }
        try store.updatePriorities(indices: (0..<20).map(UInt64.init), priorities: priorities)
        let settings = PrioritySettings(alpha: 0.7, beta: 0.5, epsilon: 0.1)
        let q = priorities.map { pow(Double($0) + 0.1, 0.7) }
        let total = q.reduce(0, +)
        var counts = [Int](repeating: 0, count: 20)
        var generator = SeededGenerator(seed: 11)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        let draws = 400_000, batchSize = 2_000
        for _ in 0..<(draws / batchSize) {
            try store.samplePrioritized(batchSize: batchSize, settings: settings, using: &generator, into: &batch, sample: &sample)
            for row in 0..<batchSize {
                // Transition i of `labelled` has reward i: the index names the row's transition.
                if Float(sample.indices[row]) != batch.rewards[row] { XCTFail("row \(row) holds \(batch.rewards[row]), its index says \(sample.indices[row])") }
                counts[Int(sample.indices[row])] += 1
            }
        }
        let chiSquare = (0..<20).reduce(0.0) { sum, i in
            let expected = Double(draws) * q[i] / total
            return sum + (Double(counts[i]) - expected) * (Double(counts[i]) - expected) / expected
        }
        XCTAssertLessThan(chiSquare, 43.82, "counts \(counts)")
        let uniform = (0..<20).reduce(0.0) { sum, i in
            let expected = Double(draws) / 20
            return sum + (Double(counts[i]) - expected) * (Double(counts[i]) - expected) / expected
        }
        XCTAssertGreaterThan(uniform, 10_000, "the draws are far from uniform")
    }

    /// Four transitions, |δ| = 0, 1, 3, 7, ε = 1, α = 0.5, β = 0.5: q = 1, √2, 2, √8, so N·P(i) = 4q/Σq and
    /// w_i = (N·P(i))^−β / max_j (N·P(j))^−β = q_i^−0.5 = 1, 2^−0.25, 2^−0.5, 8^−0.25.
    func testImportanceWeightsEqualHandWorkedValues() throws {
        let store = try store()
        try store.append(labelled(0..<4))
        try store.updatePriorities(indices: [0, 1, 2, 3], priorities: [0, 1, 3, 7])
        let expected: [UInt64: Float] = [0: 1, 1: 0.840896415, 2: 0.707106781, 3: 0.594603558]
        var generator = SeededGenerator(seed: 3)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        try store.samplePrioritized(batchSize: 400, settings: PrioritySettings(alpha: 0.5, beta: 0.5, epsilon: 1),
                                    using: &generator, into: &batch, sample: &sample)
        XCTAssertEqual(Set(sample.indices), [0, 1, 2, 3])
        for (index, weight) in zip(sample.indices, sample.weights) { XCTAssertEqual(weight, expected[index]!, accuracy: 1e-6) }
        // β = 1, α = 1, ε = 1: q = 1, 2, 4, 8, w = 1, 1/2, 1/4, 1/8.
        try store.samplePrioritized(batchSize: 400, settings: PrioritySettings(alpha: 1, beta: 1, epsilon: 1),
                                    using: &generator, into: &batch, sample: &sample)
        for (index, weight) in zip(sample.indices, sample.weights) { XCTAssertEqual(weight, [1, 0.5, 0.25, 0.125][Int(index)], accuracy: 1e-7) }
        // β = 0: every weight 1.
        try store.samplePrioritized(batchSize: 50, settings: PrioritySettings(alpha: 1, beta: 0, epsilon: 1),
                                    using: &generator, into: &batch, sample: &sample)
        XCTAssertEqual(sample.weights, [Float](repeating: 1, count: 50))
    }

    /// A demonstration's bonus b enters q = (p + ε + b)^α: with p = 1 for all four, ε = 1, α = 1, b = 2 on
    /// the two demonstrations, q = 4, 4, 2, 2, and the online rows' weights (β = 1) are 1, the demonstrations' 1/2.
    func testDemonstrationBonusRaisesTheirPriority() throws {
        let store = try store()
        try store.append(labelled(0..<2, source: .demonstration))
        try store.append(labelled(2..<4))
        try store.updatePriorities(indices: [0, 1, 2, 3], priorities: [1, 1, 1, 1])
        XCTAssertEqual(try store.storedPriorities()?.mapValues(\.demonstration), [0: true, 1: true, 2: false, 3: false])
        var generator = SeededGenerator(seed: 5)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        try store.samplePrioritized(batchSize: 6_000, settings: PrioritySettings(alpha: 1, beta: 1, epsilon: 1, demonstrationBonus: 2),
                                    using: &generator, into: &batch, sample: &sample)
        for (index, weight) in zip(sample.indices, sample.weights) { XCTAssertEqual(weight, index < 2 ? 0.5 : 1) }
        let demonstrations = sample.indices.filter { $0 < 2 }.count
        XCTAssertEqual(Double(demonstrations) / 6_000, 2.0 / 3, accuracy: 0.02, "P(demonstration) = 8/12")
    }

    func testNewTransitionsEnterAtTheMaximumPriority() throws {
        let store = try store()
        try store.append(labelled(0..<6))
        XCTAssertNil(try store.maximumPriority(), "a store keeps no priorities before their first use")
        try store.updatePriorities(indices: [1, 4], priorities: [5, 0.25])
        XCTAssertEqual(try store.maximumPriority(), 5)
        try store.append(labelled(6..<9))
        try store.updatePriorities(indices: [1], priorities: [2])
        XCTAssertEqual(try store.maximumPriority(), 5, "the maximum never decreases")
        let stored = try XCTUnwrap(store.storedPriorities()).mapValues(\.priority)
        XCTAssertEqual(stored, [0: 1, 1: 2, 2: 1, 3: 1, 4: 0.25, 5: 1, 6: 5, 7: 5, 8: 5])
    }

    func testBadSettingsAndUpdatesAreRefusedAndChangeNothing() throws {
        let store = try store(capacity: 8, chunkLength: 4)
        try store.append(labelled(0..<12))  // chunk 0 evicted: live 4..<12
        try store.updatePriorities(indices: [4, 5], priorities: [2, 3])
        let before = try XCTUnwrap(store.storedPriorities()).mapValues(\.priority)
        let maximum = try store.maximumPriority()
        var generator = SeededGenerator(seed: 1)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        let cases: [(PrioritySettings, String)] = [
            (PrioritySettings(alpha: -0.1), "the priority exponent alpha must be a finite number ≥ 0, got -0.1; nothing was sampled"),
            (PrioritySettings(beta: 1.5), "the importance-weight exponent beta must lie in [0, 1], got 1.5; nothing was sampled"),
            (PrioritySettings(beta: -0.5), "the importance-weight exponent beta must lie in [0, 1], got -0.5; nothing was sampled"),
            (PrioritySettings(epsilon: 0), "the priority epsilon must be a finite number > 0, got 0.0; nothing was sampled"),
            (PrioritySettings(epsilon: -1e-6), "the priority epsilon must be a finite number > 0, got -1e-06; nothing was sampled"),
        ]
        for (settings, message) in cases {
            XCTAssertThrowsError(try store.samplePrioritized(batchSize: 4, settings: settings, using: &generator, into: &batch, sample: &sample)) {
                XCTAssertEqual("\($0)", message)
            }
        }
        XCTAssertThrowsError(try store.updatePriorities(indices: [4, 5, 6], priorities: [1, .nan, 2])) {
            XCTAssertEqual("\($0)", "priority nan at position 1 (transition 5) is not a finite number ≥ 0; no priority was changed")
        }
        XCTAssertThrowsError(try store.updatePriorities(indices: [4, 6], priorities: [1, -0.5])) {
            XCTAssertEqual("\($0)", "priority -0.5 at position 1 (transition 6) is not a finite number ≥ 0; no priority was changed")
        }
        XCTAssertThrowsError(try store.updatePriorities(indices: [4, 3], priorities: [9, 9])) {
            XCTAssertEqual("\($0)", "transition 3 at position 1 of the priority update is not live (evicted, or beyond the 12 appended); no priority was changed")
        }
        XCTAssertThrowsError(try store.updatePriorities(indices: [12], priorities: [9])) {
            XCTAssertEqual("\($0)", "transition 12 at position 0 of the priority update is not live (evicted, or beyond the 12 appended); no priority was changed")
        }
        XCTAssertEqual(try XCTUnwrap(store.storedPriorities()).mapValues(\.priority), before)
        XCTAssertEqual(try store.maximumPriority(), maximum, "the refused 9 did not raise the maximum")
        // The in-memory tree is unchanged too: sampling gives the weights of the stored priorities.
        try store.samplePrioritized(batchSize: 200, settings: PrioritySettings(alpha: 1, beta: 1, epsilon: 1),
                                    using: &generator, into: &batch, sample: &sample)
        for (index, weight) in zip(sample.indices, sample.weights) {
            XCTAssertEqual(weight, 2 / (before[index]! + 1), accuracy: 1e-6, "w = q_min / q with q_min = 1 + 1")
        }
    }

    /// A store written without priorities: read-only it gives a clear message; opened for writing, its
    /// first prioritized sample gives every live transition priority 1 (demonstrations flagged).
    func testAnOldStoreGainsPrioritiesOnFirstUse() throws {
        let path = try temporaryDirectory(self) + "/store"
        do {
            let store = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 100, chunkLength: 4))
            try store.append(labelled(0..<3, source: .demonstration))
            try store.append(labelled(3..<10))
            XCTAssertFalse(try store.keepsPriorities())
        }
        var generator = SeededGenerator(seed: 1)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        do {
            let reader = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly))
            XCTAssertThrowsError(try reader.samplePrioritized(batchSize: 4, settings: PrioritySettings(), using: &generator, into: &batch, sample: &sample)) {
                XCTAssertEqual("\($0)", "the store at \(path) keeps no priorities yet and was opened read-only; open it for writing once (`offpolicy replay prioritize \(path)`) to add them")
            }
        }
        let store = try ReplayStore.open(at: path)
        try store.samplePrioritized(batchSize: 64, settings: PrioritySettings(), using: &generator, into: &batch, sample: &sample)
        XCTAssertEqual(sample.weights, [Float](repeating: 1, count: 64))
        let stored = try XCTUnwrap(store.storedPriorities())
        XCTAssertEqual(stored.mapValues(\.priority), Dictionary(uniqueKeysWithValues: (0..<10).map { (UInt64($0), Float(1)) }))
        XCTAssertEqual(stored.filter(\.value.demonstration).keys.sorted(), [0, 1, 2])
        XCTAssertNil(try store.verify().firstProblem)
    }
}
