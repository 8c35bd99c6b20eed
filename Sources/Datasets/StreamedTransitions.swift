import Transitions

/// Turns the blocks of a dataset, in order, into store transitions with exactly the numbering and the
/// dropped rows of `LoggedDataset.transitions(firstEpisodeID:source:)` on the whole dataset: episode ids
/// count up from the first, one per episode (also one whose rows are all dropped), step indices from
/// each episode's first row; without next observations a row is kept when it is terminal, or is not a
/// timeout and not the dataset's last row.
struct StreamedTransitions {
    let observationSize: Int
    let actionSize: Int
    let source: TransitionSource
    /// Rows of the whole dataset; needed only without next observations (to know the last row).
    let rowCount: Int?
    /// The episode id of the next row.
    private(set) var episodeID: UInt64
    private var step = 0
    private(set) var rows = 0
    private(set) var kept = 0
    /// Distinct episode ids among the kept rows.
    private(set) var episodes = 0
    private var lastKeptEpisode: UInt64?

    var dropped: Int { rows - kept }

    init(observationSize: Int, actionSize: Int, rowCount: Int?, firstEpisodeID: UInt64, source: TransitionSource = .dataset) {
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.rowCount = rowCount
        self.episodeID = firstEpisodeID
        self.source = source
    }

    /// The transitions of `block`, which must follow the blocks converted before.
    mutating func transitions(of block: DatasetBlock) -> TransitionBatch {
        let o = observationSize, a = actionSize, n = block.count
        precondition(block.firstRow == rows, "blocks must come in order")
        let next = block.nextObservations
        precondition(next != nil || rowCount != nil, "without next observations the row count must be known")
        var keptRows: [Int] = []
        keptRows.reserveCapacity(n)
        var episodeOfRow = [UInt64](repeating: 0, count: n)
        var stepOfRow = [UInt32](repeating: 0, count: n)
        for row in 0..<n {
            episodeOfRow[row] = episodeID
            stepOfRow[row] = UInt32(clamping: step)
            let global = block.firstRow + row
            if next != nil || block.terminals[row] || (!block.timeouts[row] && global + 1 < rowCount!) {
                keptRows.append(row)
                if lastKeptEpisode != episodeID {
                    episodes += 1
                    lastKeptEpisode = episodeID
                }
            }
            if block.endsEpisode[row] {
                episodeID += 1
                step = 0
            } else {
                step += 1
            }
        }
        rows += n
        kept += keptRows.count
        var batch = TransitionBatch(observationSize: o, actionSize: a, zeroedCount: keptRows.count)
        guard !keptRows.isEmpty else { return batch }
        batch.withUnsafeMutableColumns { columns in
            block.observations.withUnsafeBufferPointer { observations in
                block.actions.withUnsafeBufferPointer { actions in
                    for (slot, row) in keptRows.enumerated() {
                        (columns.observations + slot * o).update(from: observations.baseAddress! + row * o, count: o)
                        (columns.actions + slot * a).update(from: actions.baseAddress! + row * a, count: a)
                        if let next {
                            next.withUnsafeBufferPointer { (columns.nextObservations + slot * o).update(from: $0.baseAddress! + row * o, count: o) }
                        } else if row + 1 < n {
                            (columns.nextObservations + slot * o).update(from: observations.baseAddress! + (row + 1) * o, count: o)
                        } else if let following = block.followingObservation {
                            following.withUnsafeBufferPointer { (columns.nextObservations + slot * o).update(from: $0.baseAddress!, count: o) }
                        } else {
                            // The dataset's last row, kept because it is terminal: its own observation stands in.
                            (columns.nextObservations + slot * o).update(from: observations.baseAddress! + row * o, count: o)
                        }
                        columns.rewards[slot] = block.rewards[row]
                        columns.terminated[slot] = block.terminals[row]
                        columns.truncated[slot] = block.timeouts[row]
                        columns.episodeIDs[slot] = episodeOfRow[row]
                        columns.stepIndices[slot] = stepOfRow[row]
                        if let logs = block.behaviorLogProbabilities { columns.behaviorLogProbabilities[slot] = logs[row] }
                        columns.sources[slot] = source
                    }
                }
            }
        }
        return batch
    }
}
