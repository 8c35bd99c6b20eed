import Randomness
import Transitions

extension ReplayStore {
    /// Fills `batch` with `batchSize` transitions, `demonstrationCount` of them drawn uniformly (with
    /// replacement) from the demonstrations, the transitions at global indices `demonstrations`
    /// (appended first, with source `demonstration`, so their chunks are pinned and never evicted), and
    /// the rest uniformly from the live transitions appended after them. The demonstration rows come
    /// first in the batch. (Online rows that share a pinned chunk below the eviction cursor with the last
    /// demonstrations are not drawn: at most one chunk's worth.)
    public func sample(batchSize: Int, demonstrations: Range<Int>, demonstrationCount: Int,
                       using generator: inout SeededGenerator, into batch: inout TransitionBatch) throws {
        try prepare(&batch, rows: batchSize, name: "batchSize")
        guard (0...batchSize).contains(demonstrationCount) else {
            throw ReplayStoreError.wrongSize(column: "demonstrationCount", expected: batchSize, actual: demonstrationCount)
        }
        let length = schema.chunkLength
        try readSession.withSnapshot { transaction in
            let state = try readState(transaction)
            let total = Int(state.totalAppended)
            guard demonstrations.lowerBound >= 0, demonstrations.upperBound <= total,
                  demonstrationCount == 0 || !demonstrations.isEmpty else { throw ReplayStoreError.empty(path: path) }
            let onlineFirst = max(demonstrations.upperBound, Int(state.evictionCursor) * length)
            let online = total - onlineFirst
            guard demonstrationCount == batchSize || online > 0 else { throw ReplayStoreError.empty(path: path) }
            try batch.withUnsafeMutableColumns { columns in
                for slot in 0..<batchSize {
                    let global = slot < demonstrationCount
                        ? demonstrations.lowerBound + generator.nextIndex(below: demonstrations.count)
                        : onlineFirst + generator.nextIndex(below: online)
                    try copyTransition(chunk: UInt64(global / length), row: global % length, into: columns, at: slot, transaction)
                }
            }
        }
    }
}
