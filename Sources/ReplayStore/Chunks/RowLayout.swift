import Transitions

/// Where each field of a decoded transition sits inside its row of `stride` bytes. Decoded chunks are
/// row-major so copying a sampled transition touches a few adjacent cache lines, not one per column.
///
/// Row: observation, action, next observation (f32), reward, behavior log-probability (f32),
/// step index (u32), flags (u8: bit 0 terminated, bit 1 truncated), source (u8), padding, episode id (u64).
struct RowLayout: Sendable {
    let observationSize: Int
    let actionSize: Int
    let actionOffset: Int
    let nextObservationOffset: Int
    let rewardOffset: Int
    let logProbabilityOffset: Int
    let stepOffset: Int
    let flagsOffset: Int
    let sourceOffset: Int
    let episodeOffset: Int
    let stride: Int

    init(observationSize: Int, actionSize: Int) {
        self.observationSize = observationSize
        self.actionSize = actionSize
        actionOffset = 4 * observationSize
        nextObservationOffset = actionOffset + 4 * actionSize
        rewardOffset = nextObservationOffset + 4 * observationSize
        logProbabilityOffset = rewardOffset + 4
        stepOffset = logProbabilityOffset + 4
        flagsOffset = stepOffset + 4
        sourceOffset = flagsOffset + 1
        episodeOffset = (sourceOffset + 1 + 7) / 8 * 8
        stride = episodeOffset + 8
    }

    /// Writes `rowCount` rows at `rows` from the codec's columns.
    func interleave(_ columns: ChunkColumns, rowCount: Int, into rows: UnsafeMutableRawPointer) {
        let o = observationSize, a = actionSize
        for r in 0..<rowCount {
            let base = rows + r * stride
            base.copyMemory(from: columns.observations + r * o, byteCount: 4 * o)
            (base + actionOffset).copyMemory(from: columns.actions + r * a, byteCount: 4 * a)
            (base + nextObservationOffset).copyMemory(from: columns.nextObservations + r * o, byteCount: 4 * o)
            base.storeBytes(of: columns.rewards[r], toByteOffset: rewardOffset, as: Float.self)
            base.storeBytes(of: columns.behaviorLogProbabilities[r], toByteOffset: logProbabilityOffset, as: Float.self)
            base.storeBytes(of: columns.stepIndices[r], toByteOffset: stepOffset, as: UInt32.self)
            base.storeBytes(of: columns.flags[r], toByteOffset: flagsOffset, as: UInt8.self)
            base.storeBytes(of: columns.sources[r], toByteOffset: sourceOffset, as: UInt8.self)
            base.storeBytes(of: columns.episodeIDs[r], toByteOffset: episodeOffset, as: UInt64.self)
        }
    }

    /// Copies the row at `base` into slot `slot` of the batch columns.
    @inline(__always)
    func copyRow(_ base: UnsafeRawPointer, into batch: BatchColumns, at slot: Int) {
        let o = observationSize, a = actionSize
        let observation = base.assumingMemoryBound(to: Float.self)
        let action = (base + actionOffset).assumingMemoryBound(to: Float.self)
        let next = (base + nextObservationOffset).assumingMemoryBound(to: Float.self)
        let observationOut = batch.observations + slot &* o, nextOut = batch.nextObservations + slot &* o
        let actionOut = batch.actions + slot &* a
        for k in 0..<o { observationOut[k] = observation[k] }
        for k in 0..<a { actionOut[k] = action[k] }
        for k in 0..<o { nextOut[k] = next[k] }
        batch.rewards[slot] = base.load(fromByteOffset: rewardOffset, as: Float.self)
        batch.behaviorLogProbabilities[slot] = base.load(fromByteOffset: logProbabilityOffset, as: Float.self)
        batch.stepIndices[slot] = base.load(fromByteOffset: stepOffset, as: UInt32.self)
        let flags = base.load(fromByteOffset: flagsOffset, as: UInt8.self)
        batch.terminated[slot] = flags & 1 != 0
        batch.truncated[slot] = flags & 2 != 0
        batch.sources[slot] = TransitionSource(rawValue: base.load(fromByteOffset: sourceOffset, as: UInt8.self)) ?? .online
        batch.episodeIDs[slot] = base.load(fromByteOffset: episodeOffset, as: UInt64.self)
    }

    /// Appends the row at `base` to `batch`.
    func appendRow(_ base: UnsafeRawPointer, to batch: inout TransitionBatch) {
        let o = observationSize, a = actionSize
        let flags = base.load(fromByteOffset: flagsOffset, as: UInt8.self)
        batch.append(
            observation: Array(UnsafeBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: o)),
            action: Array(UnsafeBufferPointer(start: (base + actionOffset).assumingMemoryBound(to: Float.self), count: a)),
            reward: base.load(fromByteOffset: rewardOffset, as: Float.self),
            nextObservation: Array(UnsafeBufferPointer(start: (base + nextObservationOffset).assumingMemoryBound(to: Float.self), count: o)),
            terminated: flags & 1 != 0, truncated: flags & 2 != 0,
            behaviorLogProbability: base.load(fromByteOffset: logProbabilityOffset, as: Float.self),
            episodeID: base.load(fromByteOffset: episodeOffset, as: UInt64.self),
            stepIndex: base.load(fromByteOffset: stepOffset, as: UInt32.self),
            source: TransitionSource(rawValue: base.load(fromByteOffset: sourceOffset, as: UInt8.self)) ?? .online)
    }
}
