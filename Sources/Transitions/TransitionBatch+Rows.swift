extension TransitionBatch {
    /// Appends rows `range` of `other` (same shape) to this batch, column by column (no per-row arrays).
    public mutating func appendRows(of other: TransitionBatch, _ range: Range<Int>) {
        precondition(other.observationSize == observationSize && other.actionSize == actionSize,
                     "rows of a batch with other observation or action sizes")
        precondition(range.lowerBound >= 0 && range.upperBound <= other.count, "rows \(range) of a batch of \(other.count)")
        let o = observationSize, a = actionSize
        observations.append(contentsOf: other.observations[(range.lowerBound * o)..<(range.upperBound * o)])
        actions.append(contentsOf: other.actions[(range.lowerBound * a)..<(range.upperBound * a)])
        rewards.append(contentsOf: other.rewards[range])
        nextObservations.append(contentsOf: other.nextObservations[(range.lowerBound * o)..<(range.upperBound * o)])
        terminated.append(contentsOf: other.terminated[range])
        truncated.append(contentsOf: other.truncated[range])
        behaviorLogProbabilities.append(contentsOf: other.behaviorLogProbabilities[range])
        episodeIDs.append(contentsOf: other.episodeIDs[range])
        stepIndices.append(contentsOf: other.stepIndices[range])
        sources.append(contentsOf: other.sources[range])
        count += range.count
    }

    /// Every `stride`-th row from row `offset` (the first or last transition of each run of a sequence batch).
    public func rows(from offset: Int, every stride: Int) -> TransitionBatch {
        precondition(stride > 0 && offset >= 0)
        var result = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: count / stride + 1)
        for row in Swift.stride(from: offset, to: count, by: stride) { result.appendRows(of: self, row..<(row + 1)) }
        return result
    }

    /// Rows `range` as a new batch.
    public func rows(_ range: Range<Int>) -> TransitionBatch {
        var result = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: range.count)
        result.appendRows(of: self, range)
        return result
    }
}
