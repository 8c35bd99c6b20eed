import Transitions

/// One chunk in plain columns: the codec's scratch between the payload and a `DecodedChunk`. Owns its memory.
final class ChunkColumns {
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
}
