import Transitions

extension LoggedDataset {
    /// The rows as store transitions with source `source`, episode ids counting up from
    /// `firstEpisodeID` and step indices from each episode's first row. Returns how many rows were
    /// dropped.
    ///
    /// Without `next_observations` (D4RL files may lack it), row i's next observation is row i + 1's
    /// observation, as D4RL's `qlearning_dataset` takes it, except where that row belongs to another
    /// episode:
    /// - a row cut by a time limit (`timeouts`) is dropped, as `qlearning_dataset` drops it: the true
    ///   next observation is not in the file, and a learner bootstraps from it;
    /// - a terminal row is kept (nothing bootstraps from it), with row i + 1's observation as D4RL
    ///   keeps it, or its own observation when it is the file's last row;
    /// - the file's last row is dropped unless it is terminal.
    public func transitions(firstEpisodeID: UInt64, source: TransitionSource = .dataset) -> (batch: TransitionBatch, droppedRows: Int) {
        let o = observationSize, a = actionSize, n = count
        var episodeOfRow = [UInt64](repeating: 0, count: n)
        var stepOfRow = [UInt32](repeating: 0, count: n)
        var row = 0
        for (episode, length) in episodeLengths.enumerated() {
            for step in 0..<length {
                episodeOfRow[row] = firstEpisodeID + UInt64(episode)
                stepOfRow[row] = UInt32(clamping: step)
                row += 1
            }
        }
        let kept = importedRows
        var batch = TransitionBatch(observationSize: o, actionSize: a, zeroedCount: kept.count)
        batch.withUnsafeMutableColumns { columns in
            observations.withUnsafeBufferPointer { observations in
                actions.withUnsafeBufferPointer { actions in
                    if let next = nextObservations, kept.count == n {
                        // Every row, column by column.
                        columns.observations.update(from: observations.baseAddress!, count: n * o)
                        columns.actions.update(from: actions.baseAddress!, count: n * a)
                        next.withUnsafeBufferPointer { columns.nextObservations.update(from: $0.baseAddress!, count: n * o) }
                        rewards.withUnsafeBufferPointer { columns.rewards.update(from: $0.baseAddress!, count: n) }
                        terminals.withUnsafeBufferPointer { columns.terminated.update(from: $0.baseAddress!, count: n) }
                        timeouts.withUnsafeBufferPointer { columns.truncated.update(from: $0.baseAddress!, count: n) }
                        episodeOfRow.withUnsafeBufferPointer { columns.episodeIDs.update(from: $0.baseAddress!, count: n) }
                        stepOfRow.withUnsafeBufferPointer { columns.stepIndices.update(from: $0.baseAddress!, count: n) }
                        if let logs = behaviorLogProbabilities {
                            logs.withUnsafeBufferPointer { columns.behaviorLogProbabilities.update(from: $0.baseAddress!, count: n) }
                        }
                    } else {
                        for (slot, row) in kept.enumerated() {
                            (columns.observations + slot * o).update(from: observations.baseAddress! + row * o, count: o)
                            (columns.actions + slot * a).update(from: actions.baseAddress! + row * a, count: a)
                            let nextRow = row + 1 < n ? row + 1 : row
                            (columns.nextObservations + slot * o).update(from: observations.baseAddress! + nextRow * o, count: o)
                            columns.rewards[slot] = rewards[row]
                            columns.terminated[slot] = terminals[row]
                            columns.truncated[slot] = timeouts[row]
                            columns.episodeIDs[slot] = episodeOfRow[row]
                            columns.stepIndices[slot] = stepOfRow[row]
                            if let logs = behaviorLogProbabilities { columns.behaviorLogProbabilities[slot] = logs[row] }
                        }
                    }
                }
            }
            for slot in 0..<kept.count { columns.sources[slot] = source }
        }
        return (batch, n - kept.count)
    }

    /// The rows an import keeps, in order: every row, or without `next_observations` the rows whose next
    /// observation is known (see `transitions(firstEpisodeID:source:)`).
    public var importedRows: [Int] {
        guard nextObservations == nil else { return Array(0..<count) }
        let n = count
        return (0..<n).filter { terminals[$0] || (!timeouts[$0] && $0 + 1 < n) }
    }

    /// How many rows an import drops (rows without a known next observation).
    public var rowsDroppedOnImport: Int { count - importedRows.count }

    /// The transitions of a store (in the order given) as a dataset: episodes are runs of one episode
    /// id, also split after a terminated or truncated transition. Behavior log-probabilities are
    /// absent (nil) when every one is NaN.
    public init(transitions batch: TransitionBatch) {
        var lengths: [Int] = []
        var start = 0
        for row in 0..<batch.count {
            let last = row + 1 == batch.count
            if last || batch.terminated[row] || batch.truncated[row] || batch.episodeIDs[row + 1] != batch.episodeIDs[row] {
                lengths.append(row + 1 - start)
                start = row + 1
            }
        }
        let logs = batch.behaviorLogProbabilities.allSatisfy(\.isNaN) ? nil : batch.behaviorLogProbabilities
        self.init(format: .store, observationSize: batch.observationSize, actionSize: batch.actionSize,
                  observations: batch.observations, actions: batch.actions, rewards: batch.rewards,
                  nextObservations: batch.nextObservations, terminals: batch.terminated, timeouts: batch.truncated,
                  behaviorLogProbabilities: logs, episodeLengths: lengths)
    }
}
