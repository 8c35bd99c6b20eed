import Foundation
import Randomness
import Transitions

/// Prioritized replay of runs, for n-step targets: a run is drawn by the priority of its first transition.
///
/// **Sampling.** Each run is drawn independently, with replacement; a valid start g (as `sampleSequences`
/// defines valid runs for `windows`) is drawn with probability q_g / Σ_{valid starts j} q_j, where
/// q = (p + ε + b)^α is the start's leaf in the priority tree (`PrioritySettings`). Draws are by rejection:
/// a live transition is drawn by priority, exactly as `samplePrioritized` draws one, and kept if the run
/// from it is valid; conditioned on being kept, its probability is the one above. After
/// `ReplayStore.rejectionAttempts` rejections in a row, the call lists every valid start once with its q
/// and draws the rest of its runs from that list by the same probabilities.
///
/// **Weights and updates.** `sample` holds one entry per run: the global index of its first transition,
/// which is what `updatePriorities` takes with the run's new priority, and the importance weight
/// (q_g / q_min)^−β. q_min is the smallest q of any live transition (the min tree), so every weight is at
/// most 1 and the ratio of two runs' weights is exactly (N·P(g))^−β / (N·P(h))^−β. A transition that starts
/// no valid run (one of the last n − 1 of an episode not finished yet) still counts for q_min, so the
/// largest weight of a batch may be below 1.
extension ReplayStore {
    /// `count` runs of `length` consecutive transitions drawn by the priority of their first transitions
    /// (see above), sequence-major as `sampleSequences` returns them, and `sample` with `count` entries:
    /// each run's first global index and importance weight. Settings out of range are refused
    /// (`invalidPrioritySetting`) before anything is read; no valid run throws `noValidSequence`.
    public func samplePrioritizedSequences(count: Int, length: Int, windows: SequenceWindows, settings: PrioritySettings,
                                           using generator: inout SeededGenerator, into batch: inout TransitionBatch,
                                           sample: inout PrioritizedSample) throws {
        if let problem = settings.problem { throw ReplayStoreError.invalidPrioritySetting(problem) }
        try prepareSequences(&batch, count: count, length: length)
        if sample.indices.count != count || sample.weights.count != count { sample = PrioritizedSample(count: count) }
        let exponent = -settings.beta
        let chunkLength = UInt64(schema.chunkLength)
        try withPriorityIndex(settings: settings) { transaction, state, index in
            let total = index.tree.total, minimum = index.tree.minimum
            let pinnedChunks = try (0..<Int(state.pinnedChunkCount)).map { try pinnedChunk(ordinal: $0, state: state, transaction) }
            let runs = RunReader(store: self, state: state, pinnedChunks: pinnedChunks, length: length,
                                 endsEarly: windows == .fromEveryTransition, transaction: transaction)
            /// q of a live transition, by global index.
            func mass(_ global: UInt64) -> Double {
                index.tree.value(index.leaf(chunk: global / chunkLength, row: Int(global % chunkLength))!)
            }
            var validStarts: (starts: [UInt64], cumulative: [Double])?  // listed on the first exhausted rejection loop
            try batch.withUnsafeMutableColumns { columns in
                for sequence in 0..<count {
                    let firstRow = sequence * length
                    var start: UInt64?
                    if validStarts == nil {
                        for _ in 0..<Self.rejectionAttempts {
                            let (chunk, row) = index.location(ofLeaf: index.tree.leaf(atMass: generator.nextUnitDouble() * total))
                            let candidate = chunk &* chunkLength &+ UInt64(row)
                            if try runs.copyRun(from: candidate, into: columns, at: firstRow) { start = candidate; break }
                        }
                    }
                    if start == nil {
                        if validStarts == nil {
                            let starts = try runs.listValidStarts(live: state.liveCount(chunkLength: schema.chunkLength))
                            var sum = 0.0
                            validStarts = (starts, starts.map { sum += mass($0); return sum })
                        }
                        guard let (starts, cumulative) = validStarts, let last = cumulative.last, last > 0 else {
                            throw ReplayStoreError.noValidSequence(path: path, length: length,
                                                                   liveTransitions: state.liveCount(chunkLength: schema.chunkLength))
                        }
                        let target = generator.nextUnitDouble() * last
                        let chosen = starts[min(cumulative.partitioningIndex { $0 > target }, starts.count - 1)]
                        guard try runs.copyRun(from: chosen, into: columns, at: firstRow) else {
                            throw ReplayStoreError.corruptStore(reason: "the run from transition \(chosen) changed while it was read")
                        }
                        start = chosen
                    }
                    sample.indices[sequence] = start!
                    sample.weights[sequence] = Float(pow(mass(start!) / minimum, exponent))
                }
            }
        }
    }
}

extension Array where Element == Double {
    /// The first index whose element satisfies `predicate`, for a predicate false then true along the
    /// array (a binary search); `count` when none does.
    fileprivate func partitioningIndex(where predicate: (Double) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
