/// One chunk in plain columns, ready to copy rows out of. Sized for a full chunk so that one
/// instance can be refilled with any chunk of the same store (the cache reuses them). Owns its memory.
final class DecodedChunk {
    let capacity: Int
    let observationSize: Int
    let actionSize: Int
    /// Which chunk the columns hold (`UInt64.max` when none).
    var chunkIndex: UInt64 = .max
    var rowCount = 0

    let observations: UnsafeMutablePointer<Float>
    let actions: UnsafeMutablePointer<Float>
    let rewards: UnsafeMutablePointer<Float>
    let nextObservations: UnsafeMutablePointer<Float>
    let behaviorLogProbabilities: UnsafeMutablePointer<Float>
    let episodeIDs: UnsafeMutablePointer<UInt64>
    let stepIndices: UnsafeMutablePointer<UInt32>
    /// bit 0 terminated, bit 1 truncated (the on-disk flag byte).
    let flags: UnsafeMutablePointer<UInt8>
    let sources: UnsafeMutablePointer<UInt8>

    init(capacity: Int, observationSize: Int, actionSize: Int) {
        self.capacity = capacity
        self.observationSize = observationSize
        self.actionSize = actionSize
        observations = .allocate(capacity: capacity * observationSize)
        actions = .allocate(capacity: capacity * actionSize)
        rewards = .allocate(capacity: capacity)
        nextObservations = .allocate(capacity: capacity * observationSize)
        behaviorLogProbabilities = .allocate(capacity: capacity)
        episodeIDs = .allocate(capacity: capacity)
        stepIndices = .allocate(capacity: capacity)
        flags = .allocate(capacity: capacity)
        sources = .allocate(capacity: capacity)
    }

    deinit {
        observations.deallocate(); actions.deallocate(); rewards.deallocate()
        nextObservations.deallocate(); behaviorLogProbabilities.deallocate()
        episodeIDs.deallocate(); stepIndices.deallocate(); flags.deallocate(); sources.deallocate()
    }

    /// Bytes of memory held, for the cache budget.
    var memoryBytes: Int { DecodedChunk.memoryBytes(capacity: capacity, observationSize: observationSize, actionSize: actionSize) }

    static func memoryBytes(capacity: Int, observationSize: Int, actionSize: Int) -> Int {
        capacity * (observationSize * 8 + actionSize * 4 + 4 + 4 + 8 + 4 + 2)
    }

    /// Copies row `row` into slot `slot` of the batch columns.
    @inline(__always)
    func copyRow(_ row: Int, into batch: BatchColumns, at slot: Int) {
        let o = observationSize, a = actionSize
        (batch.observations + slot * o).update(from: observations + row * o, count: o)
        (batch.nextObservations + slot * o).update(from: nextObservations + row * o, count: o)
        (batch.actions + slot * a).update(from: actions + row * a, count: a)
        batch.rewards[slot] = rewards[row]
        batch.behaviorLogProbabilities[slot] = behaviorLogProbabilities[row]
        batch.episodeIDs[slot] = episodeIDs[row]
        batch.stepIndices[slot] = stepIndices[row]
        batch.terminated[slot] = flags[row] & 1 != 0
        batch.truncated[slot] = flags[row] & 2 != 0
        batch.sources[slot] = TransitionSource(rawValue: sources[row]) ?? .online
    }

    /// Appends rows `range` to `batch` (used to rebuild the writer's tail).
    func appendRows(_ range: Range<Int>, to batch: inout TransitionBatch) {
        let o = observationSize, a = actionSize
        for row in range {
            batch.append(
                observation: Array(UnsafeBufferPointer(start: observations + row * o, count: o)),
                action: Array(UnsafeBufferPointer(start: actions + row * a, count: a)),
                reward: rewards[row],
                nextObservation: Array(UnsafeBufferPointer(start: nextObservations + row * o, count: o)),
                terminated: flags[row] & 1 != 0, truncated: flags[row] & 2 != 0,
                behaviorLogProbability: behaviorLogProbabilities[row],
                episodeID: episodeIDs[row], stepIndex: stepIndices[row],
                source: TransitionSource(rawValue: sources[row]) ?? .online)
        }
    }
}

/// Raw pointers to the columns of a `TransitionBatch`, valid inside `TransitionBatch.withColumns`.
struct BatchColumns {
    var observations: UnsafeMutablePointer<Float>
    var actions: UnsafeMutablePointer<Float>
    var rewards: UnsafeMutablePointer<Float>
    var nextObservations: UnsafeMutablePointer<Float>
    var behaviorLogProbabilities: UnsafeMutablePointer<Float>
    var episodeIDs: UnsafeMutablePointer<UInt64>
    var stepIndices: UnsafeMutablePointer<UInt32>
    var terminated: UnsafeMutablePointer<Bool>
    var truncated: UnsafeMutablePointer<Bool>
    var sources: UnsafeMutablePointer<TransitionSource>
}

extension TransitionBatch {
    /// Calls `body` with mutable pointers to every column (no copies when the batch is uniquely owned).
    mutating func withColumns<T>(_ body: (BatchColumns) throws -> T) rethrows -> T {
        try observations.withUnsafeMutableBufferPointer { o in
            try actions.withUnsafeMutableBufferPointer { a in
                try rewards.withUnsafeMutableBufferPointer { r in
                    try nextObservations.withUnsafeMutableBufferPointer { n in
                        try behaviorLogProbabilities.withUnsafeMutableBufferPointer { l in
                            try episodeIDs.withUnsafeMutableBufferPointer { e in
                                try stepIndices.withUnsafeMutableBufferPointer { s in
                                    try terminated.withUnsafeMutableBufferPointer { te in
                                        try truncated.withUnsafeMutableBufferPointer { tr in
                                            try sources.withUnsafeMutableBufferPointer { so in
                                                try body(BatchColumns(
                                                    observations: o.baseAddress!, actions: a.baseAddress!, rewards: r.baseAddress!,
                                                    nextObservations: n.baseAddress!, behaviorLogProbabilities: l.baseAddress!,
                                                    episodeIDs: e.baseAddress!, stepIndices: s.baseAddress!,
                                                    terminated: te.baseAddress!, truncated: tr.baseAddress!, sources: so.baseAddress!))
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
