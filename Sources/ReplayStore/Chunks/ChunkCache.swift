/// Decoded chunks kept between samples, within a memory budget.
///
/// Every slot holds one full-size `DecodedChunk`; when all slots are taken, the oldest insertion is
/// replaced and its memory reused, so a warm cache allocates nothing. Under uniform sampling every
/// replacement order gives the same hit rate, so first-in first-out is enough.
/// A chunk's committed rows never change, so an entry stays valid; an entry of the growing tail
/// chunk is refreshed when a sample needs a row it does not have yet.
final class ChunkCache {
    let slotCount: Int
    private var slots: [DecodedChunk] = []
    private var slotOfChunk: [UInt64: Int] = [:]
    private var nextVictim = 0
    private let makeChunk: () -> DecodedChunk

    init(budgetBytes: Int, chunkBytes: Int, makeChunk: @escaping () -> DecodedChunk) {
        slotCount = chunkBytes > 0 ? max(0, budgetBytes / chunkBytes) : 0
        self.makeChunk = makeChunk
        slotOfChunk.reserveCapacity(min(slotCount, 1 << 22))
    }

    var isEnabled: Bool { slotCount > 0 }

    /// The cached chunk, if it holds at least `rows` rows.
    @inline(__always)
    func lookup(_ chunkIndex: UInt64, rows: Int) -> DecodedChunk? {
        guard let slot = slotOfChunk[chunkIndex] else { return nil }
        let chunk = slots[slot]
        return chunk.chunkIndex == chunkIndex && chunk.rowCount >= rows ? chunk : nil
    }

    /// The chunk object to decode `chunkIndex` into: its current slot, a new one, or the oldest one.
    /// After decoding, call `record(_:)`; after a failed decode, `forget(_:)`.
    func reserve(for chunkIndex: UInt64) -> DecodedChunk {
        if let slot = slotOfChunk[chunkIndex] { return slots[slot] }
        if slots.count < slotCount {
            slots.append(makeChunk())
            slotOfChunk[chunkIndex] = slots.count - 1
            return slots[slots.count - 1]
        }
        let slot = nextVictim
        nextVictim = (nextVictim + 1) % slotCount
        let victim = slots[slot]
        if victim.chunkIndex != .max { slotOfChunk[victim.chunkIndex] = nil }
        slotOfChunk[chunkIndex] = slot
        return victim
    }

    func forget(_ chunkIndex: UInt64) {
        slotOfChunk[chunkIndex] = nil
    }
}
