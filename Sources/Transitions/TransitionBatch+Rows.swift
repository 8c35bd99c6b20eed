extension TransitionBatch {
    /// Appends rows `range` of `other` (same shape) to this batch.
    public mutating func appendRows(of other: TransitionBatch, _ range: Range<Int>) {
        let o = observationSize, a = actionSize
        for i in range {
            append(observation: Array(other.observations[(i * o)..<((i + 1) * o)]),
                   action: Array(other.actions[(i * a)..<((i + 1) * a)]),
                   reward: other.rewards[i],
                   nextObservation: Array(other.nextObservations[(i * o)..<((i + 1) * o)]),
                   terminated: other.terminated[i], truncated: other.truncated[i],
                   behaviorLogProbability: other.behaviorLogProbabilities[i],
                   episodeID: other.episodeIDs[i], stepIndex: other.stepIndices[i], source: other.sources[i])
        }
    }

    /// Rows `range` as a new batch.
    public func rows(_ range: Range<Int>) -> TransitionBatch {
        var result = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: range.count)
        result.appendRows(of: self, range)
        return result
    }
}
