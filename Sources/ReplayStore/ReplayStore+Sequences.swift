import Foundation
import Randomness
import Transitions

/// Sequences for n-step returns, Retrace and V-trace: runs of consecutive transitions of one episode.
///
/// **A valid run** of length L starts at a live transition with global index g and consists of the
/// transitions g, g+1, …, g+L−1 (global index = order of appending), where
/// - every one of them is live (not evicted; see below);
/// - each next one continues the previous: the same episode id and a step index one higher;
/// - none but the last is terminated or truncated: a run may *end* at an episode's last transition,
///   never continue past it.
///
/// **Uniform** means: each run is drawn independently (with replacement) and every valid start has the
/// same probability 1/V, V the number of valid starts among the live transitions of the snapshot the
/// call reads. Draws are by rejection: a live transition is drawn uniformly (exactly as `sample` does)
/// and kept if the run from it is valid; conditioned on being kept, it is uniform over valid starts.
/// After `rejectionAttempts` rejections in a row for one run, the call lists every valid start once
/// (a scan of the live transitions) and draws the rest of its runs uniformly from that list, which is
/// uniform too; if the list is empty it throws `noValidSequence`.
///
/// **Eviction and pinned chunks.** FIFO eviction removes whole chunks, so a run whose later transitions
/// lay in an evicted chunk is simply not valid (its start may still be live). Pinned chunks
/// (demonstrations) below the eviction cursor are live: a run continues from one into the next global
/// chunk only when that chunk is live too (pinned, or at or past the cursor). A run never jumps over
/// an evicted gap, because the global index must grow by exactly one. Each call reads one consistent
/// snapshot, so a concurrent writer's eviction cannot tear a run.
///
/// **Windows from every transition** (`SequenceWindows.fromEveryTransition`, SB3's `NStepReplayBuffer`):
/// a start is also valid when its run reaches its episode's last transition (terminated or truncated)
/// before `length` transitions. The rows after that end are copies of the episode's last transition,
/// so a window never mixes episodes; a learner recognises them as the rows after the first row that is
/// terminated or truncated, and ignores them (see `SAC.sequenceTargets`). So every live transition whose
/// run is complete up to its episode's end (or `length`) starts a window, the last n − 1 of an episode
/// included. A run that meets a transition not appended yet, evicted, or of another episode without an
/// end flag is still invalid.
extension ReplayStore {
    /// Runs drawn before the call falls back to listing every valid start (see above).
    public static let rejectionAttempts = 64

    /// `count` runs of `length` consecutive transitions, sequence-major: rows s·length ..< (s+1)·length
    /// hold run s in order.
    /// `windows` says which starts are valid (see above); the default, `wholeRuns`, is what A2C's
    /// V-trace replay needs (every row of a window is a training row of one episode).
    public func sampleSequences(count: Int, length: Int, windows: SequenceWindows = .wholeRuns,
                                using generator: inout SeededGenerator) throws -> TransitionBatch {
        var batch = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize, zeroedCount: 0)
        try sampleSequences(count: count, length: length, windows: windows, using: &generator, into: &batch)
        return batch
    }

    /// Whole runs only (`SequenceWindows.wholeRuns`), reusing `batch`'s memory.
    public func sampleSequences(count: Int, length: Int, using generator: inout SeededGenerator,
                                into batch: inout TransitionBatch) throws {
        try sampleSequences(count: count, length: length, windows: .wholeRuns, using: &generator, into: &batch)
    }

    /// Like `sampleSequences(count:length:using:)`, reusing `batch`'s memory when it already has
    /// count × length rows of the right shape.
    public func sampleSequences(count: Int, length: Int, windows: SequenceWindows, using generator: inout SeededGenerator,
                                into batch: inout TransitionBatch) throws {
        try prepareSequences(&batch, count: count, length: length)
        let chunkLength = schema.chunkLength
        try readSession.withSnapshot { transaction in
            let state = try readState(transaction)
            let live = state.liveCount(chunkLength: chunkLength)
            guard live > 0 else { throw ReplayStoreError.empty(path: path) }
            let pinnedChunks = try (0..<Int(state.pinnedChunkCount)).map { try pinnedChunk(ordinal: $0, state: state, transaction) }
            let runs = RunReader(store: self, state: state, pinnedChunks: pinnedChunks, length: length,
                                 endsEarly: windows == .fromEveryTransition, transaction: transaction)
            var validStarts: [UInt64]?  // listed on the first exhausted rejection loop
            try batch.withUnsafeMutableColumns { columns in
                for sequence in 0..<count {
                    let firstRow = sequence * length
                    var accepted = false
                    if validStarts == nil {
                        for _ in 0..<Self.rejectionAttempts {
                            let start = runs.globalIndex(ofLivePosition: generator.nextIndex(below: live))
                            if try runs.copyRun(from: start, into: columns, at: firstRow) { accepted = true; break }
                        }
                    }
                    if !accepted {
                        if validStarts == nil { validStarts = try runs.listValidStarts(live: live) }
                        guard let starts = validStarts, !starts.isEmpty else {
                            throw ReplayStoreError.noValidSequence(path: path, length: length, liveTransitions: live)
                        }
                        let start = starts[generator.nextIndex(below: starts.count)]
                        guard try runs.copyRun(from: start, into: columns, at: firstRow) else {
                            throw ReplayStoreError.corruptStore(reason: "the run from transition \(start) changed while it was read")
                        }
                    }
                }
            }
        }
    }
}

extension ReplayStore {
    /// Checks a request for `count` runs of `length` and gives `batch` count × length rows.
    func prepareSequences(_ batch: inout TransitionBatch, count: Int, length: Int) throws {
        guard count > 0 else { throw ReplayStoreError.wrongSize(column: "count", expected: 1, actual: count) }
        guard length > 0 else { throw ReplayStoreError.wrongSize(column: "length", expected: 1, actual: length) }
        let (rows, overflow) = count.multipliedReportingOverflow(by: length)
        guard !overflow else {
            throw ReplayStoreError.limitExceeded(name: "sequence rows", value: "\(count) × \(length)", limit: "\(Int.max)")
        }
        try prepare(&batch, rows: rows, name: "sequence rows (count × length)")
    }
}

/// Reads runs of one snapshot for `sampleSequences` and `samplePrioritizedSequences`.
struct RunReader {
    let store: ReplayStore
    let state: StoreState
    /// Pinned chunks below the eviction cursor, ascending (eviction walks the chunks in order).
    let pinnedChunks: [UInt64]
    let length: Int
    /// A run may end at its episode's last transition; the rows after it repeat that transition.
    let endsEarly: Bool
    let transaction: LMDBTransaction

    var chunkLength: Int { store.schema.chunkLength }

    /// The global index of live position `position`, numbered as `sample` numbers them: the pinned
    /// chunks' rows first, then every row from the eviction cursor on.
    func globalIndex(ofLivePosition position: Int) -> UInt64 {
        let pinnedRows = pinnedChunks.count * chunkLength
        if position < pinnedRows {
            return pinnedChunks[position / chunkLength] * UInt64(chunkLength) + UInt64(position % chunkLength)
        }
        return state.evictionCursor * UInt64(chunkLength) + UInt64(position - pinnedRows)
    }

    func isLive(_ global: UInt64) -> Bool {
        guard global < state.totalAppended else { return false }
        let chunk = global / UInt64(chunkLength)
        if chunk >= state.evictionCursor { return true }
        var low = 0, high = pinnedChunks.count
        while low < high {
            let middle = (low + high) / 2
            if pinnedChunks[middle] < chunk { low = middle + 1 } else { high = middle }
        }
        return low < pinnedChunks.count && pinnedChunks[low] == chunk
    }

    /// Copies the run starting at `start` into rows firstRow ..< firstRow + length, stopping at the
    /// first transition that breaks it; returns whether the whole run is valid. With `endsEarly`, a run
    /// that reaches a terminated or truncated transition is valid and its remaining rows repeat that one.
    func copyRun(from start: UInt64, into columns: BatchColumns, at firstRow: Int) throws -> Bool {
        var end: UInt64?  // the episode's last transition, once the run has reached it (endsEarly only)
        for k in 0..<length {
            if let end {
                try copyTransition(global: end, into: columns, at: firstRow + k)
                continue
            }
            let global = start + UInt64(k)
            guard isLive(global) else { return false }
            try copyTransition(global: global, into: columns, at: firstRow + k)
            if k > 0 {
                let previous = firstRow + k - 1, current = firstRow + k
                guard columns.episodeIDs[current] == columns.episodeIDs[previous],
                      columns.stepIndices[previous] != .max, columns.stepIndices[current] == columns.stepIndices[previous] + 1,
                      !columns.terminated[previous], !columns.truncated[previous] else { return false }
            }
            if endsEarly, columns.terminated[firstRow + k] || columns.truncated[firstRow + k] { end = global }
        }
        return true
    }

    func copyTransition(global: UInt64, into columns: BatchColumns, at row: Int) throws {
        try store.copyTransition(chunk: global / UInt64(chunkLength), row: Int(global % UInt64(chunkLength)),
                                 into: columns, at: row, transaction)
    }

    /// Every valid start among the live transitions, in live order.
    func listValidStarts(live: Int) throws -> [UInt64] {
        var scratch = TransitionBatch(observationSize: store.schema.observationSize, actionSize: store.schema.actionSize,
                                      zeroedCount: length)
        var starts: [UInt64] = []
        try scratch.withUnsafeMutableColumns { columns in
            for position in 0..<live {
                let start = globalIndex(ofLivePosition: position)
                if try copyRun(from: start, into: columns, at: 0) { starts.append(start) }
            }
        }
        return starts
    }
}
