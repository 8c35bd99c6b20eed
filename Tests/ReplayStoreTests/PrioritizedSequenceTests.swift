import Foundation
import Randomness
import XCTest
@testable import ReplayStore
import Transitions

/// Runs for n-step targets drawn by the priority of their first transitions: frequencies against
/// q_g / Σ_{valid g} q over the valid starts only, on the rejection path and on the listed-starts path,
/// weights against the formula, and a whole run per draw.
final class PrioritizedSequenceTests: XCTestCase {
    /// `labelled(0..<18)`: episodes of five, 0–4 terminated, 5–9 truncated, 10–14 terminated, and 15–17 of an
    /// episode not finished yet.
    private func store() throws -> ReplayStore {
        let store = try ReplayStore.create(at: try temporaryDirectory(self) + "/store",
                                           schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 1_000, chunkLength: 4))
        try store.append(labelled(0..<18))
        return store
    }

    /// Draws `draws` runs of three in batches of 500; checks every run is the consecutive transitions from its
    /// index (rows after an episode's end repeat its last transition) and each weight is (q_g / q_min)^−β;
    /// returns the count of each start.
    private func drawRuns(_ store: ReplayStore, windows: SequenceWindows, settings: PrioritySettings, q: [Double],
                          draws: Int, seed: UInt64) throws -> [Int] {
        var counts = [Int](repeating: 0, count: q.count)
        var generator = SeededGenerator(seed: seed)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        let minimum = q.min()!
        for _ in 0..<(draws / 500) {
            try store.samplePrioritizedSequences(count: 500, length: 3, windows: windows, settings: settings, using: &generator,
                                                 into: &batch, sample: &sample)
            XCTAssertEqual(batch.count, 1_500)
            XCTAssertEqual(sample.indices.count, 500)
            for run in 0..<500 {
                let start = Int(sample.indices[run])
                let episodeEnd = (start / 5) * 5 + 4  // labelled episodes are five long
                let labels = (0..<3).map { Int(batch.rewards[run * 3 + $0]) }
                let expected = (0..<3).map { min(start + $0, episodeEnd) }
                if labels != expected { XCTFail("run from \(start) holds \(labels), expected \(expected)"); return counts }
                let weight = Float(pow(q[start] / minimum, -settings.beta))
                if abs(sample.weights[run] - weight) > 1e-6 * weight { XCTFail("run from \(start): weight \(sample.weights[run]), expected \(weight)") }
                counts[start] += 1
            }
        }
        return counts
    }

    /// Pearson's statistic of `counts` against probabilities ∝ q over `valid` (every other count must be 0).
    private func chiSquare(_ counts: [Int], q: [Double], valid: [Int]) -> Double {
        let draws = Double(counts.reduce(0, +)), total = valid.reduce(0.0) { $0 + q[$1] }
        for start in counts.indices where !valid.contains(start) { XCTAssertEqual(counts[start], 0, "start \(start) is not valid") }
        return valid.reduce(0.0) { sum, start in
            let expected = draws * q[start] / total
            return sum + (Double(counts[start]) - expected) * (Double(counts[start]) - expected) / expected
        }
    }

    /// |δ| = 0.25·i, α = 0.6, ε = 0.05, β = 0.4; 200,000 runs of three at seed 21. Valid starts: from every
    /// transition, 0–15 (16 and 17 would run past the last appended transition); whole runs, steps 0–2 of each
    /// finished episode and 15. The statistic must stay below the 0.999 quantile of χ² with 15 (41.68) and
    /// 9 (27.88) degrees of freedom. 16 and 17 are never drawn, yet their q counts for q_min (17's is the
    /// smallest here), so every weight of these batches is below 1.
    func testRunsAreDrawnByTheirFirstPriorityAmongValidStarts() throws {
        let store = try store()
        var priorities = (0..<18).map { Float($0) * 0.25 }
        priorities[17] = 0
        priorities[0] = 0.3
        try store.updatePriorities(indices: (0..<18).map(UInt64.init), priorities: priorities)
        let settings = PrioritySettings(alpha: 0.6, beta: 0.4, epsilon: 0.05)
        let q = priorities.map { pow(Double($0) + 0.05, 0.6) }

        let every = try drawRuns(store, windows: .fromEveryTransition, settings: settings, q: q, draws: 200_000, seed: 21)
        XCTAssertLessThan(chiSquare(every, q: q, valid: Array(0...15)), 41.68, "counts \(every)")
        let whole = try drawRuns(store, windows: .wholeRuns, settings: settings, q: q, draws: 100_000, seed: 22)
        XCTAssertLessThan(chiSquare(whole, q: q, valid: [0, 1, 2, 5, 6, 7, 10, 11, 12, 15]), 27.88, "counts \(whole)")
        // Not uniform over valid starts: start 15 (q ≈ 2.30) against start 1 (q ≈ 0.55).
        XCTAssertGreaterThan(Double(every[15]) / Double(every[1]), 3.5)
    }

    /// When almost all the mass lies on starts of no valid run (16 and 17 at priority 1,000 against 0.1 for
    /// the others), 64 rejections in a row are the rule and the call draws from its list of valid starts:
    /// the frequencies must still follow q over the valid starts (χ², 15 degrees of freedom).
    func testTheListedStartsPathDrawsByTheSameProbabilities() throws {
        let store = try store()
        var priorities = (0..<18).map { 0.1 + Float($0 % 4) * 0.3 }
        priorities[16] = 1_000
        priorities[17] = 1_000
        try store.updatePriorities(indices: (0..<18).map(UInt64.init), priorities: priorities)
        let settings = PrioritySettings(alpha: 1, beta: 1, epsilon: 0.01)
        let q = priorities.map { Double($0) + 0.01 }
        let counts = try drawRuns(store, windows: .fromEveryTransition, settings: settings, q: q, draws: 60_000, seed: 23)
        XCTAssertLessThan(chiSquare(counts, q: q, valid: Array(0...15)), 41.68, "counts \(counts)")
    }

    func testNoValidRunAndBadSettingsAreRefused() throws {
        let store = try ReplayStore.create(at: try temporaryDirectory(self) + "/store",
                                           schema: StoreSchema(observationSize: 3, actionSize: 2, capacity: 100, chunkLength: 4))
        try store.append(labelled(0..<2))  // two steps of an episode not finished yet
        var generator = SeededGenerator(seed: 1)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, zeroedCount: 0)
        var sample = PrioritizedSample()
        XCTAssertThrowsError(try store.samplePrioritizedSequences(count: 4, length: 3, windows: .fromEveryTransition, settings: PrioritySettings(),
                                                                  using: &generator, into: &batch, sample: &sample)) {
            XCTAssertEqual("\($0)", "\(ReplayStoreError.noValidSequence(path: store.path, length: 3, liveTransitions: 2))")
        }
        XCTAssertThrowsError(try store.samplePrioritizedSequences(count: 4, length: 1, windows: .wholeRuns, settings: PrioritySettings(beta: 2),
                                                                  using: &generator, into: &batch, sample: &sample)) {
            XCTAssertEqual("\($0)", "the importance-weight exponent beta must lie in [0, 1], got 2.0; nothing was sampled")
        }
        // Runs of one are single transitions, drawn by priority as `samplePrioritized` draws them.
        try store.updatePriorities(indices: [0, 1], priorities: [1, 3])
        try store.samplePrioritizedSequences(count: 2_000, length: 1, windows: .wholeRuns, settings: PrioritySettings(alpha: 1, beta: 1, epsilon: 1),
                                             using: &generator, into: &batch, sample: &sample)
        let ones = sample.indices.filter { $0 == 1 }.count
        XCTAssertEqual(Double(ones) / 2_000, 4.0 / 6, accuracy: 0.035, "P(1) = (3 + 1) / (1 + 1 + 3 + 1)")
        for (index, weight) in zip(sample.indices, sample.weights) { XCTAssertEqual(weight, index == 1 ? 0.5 : 1) }
    }
}
