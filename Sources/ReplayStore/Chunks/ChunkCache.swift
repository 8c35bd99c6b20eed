/// Decoded chunks kept between samples, within a memory budget: a direct-mapped cache.
///
/// The budget buys `slotCount` slots of one full chunk each in one arena; chunk `c` lives in slot
/// `c % slotCount`, tagged with `c`. Live chunks are (apart from pinned ones) a contiguous range of
/// indices, so while they fit the budget they never collide; beyond it, under uniform sampling the hit
/// rate is budget / store size, as with any replacement order. A lookup is one tag compare, and a warm
/// cache allocates nothing. A chunk's committed rows never change, so an entry stays valid; an entry
/// of the growing last chunk is refreshed when a sample needs a row it does not have yet.
final class ChunkCache {
    let slotCount: Int
    let slotBytes: Int
    private let arena: UnsafeMutableRawPointer?
    private let tags: UnsafeMutablePointer<UInt64>
    private let rowCounts: UnsafeMutablePointer<Int>

    init(budgetBytes: Int, chunkLength: Int, layout: RowLayout) {
        slotBytes = chunkLength * layout.stride
        slotCount = slotBytes > 0 ? max(0, budgetBytes / slotBytes) : 0
        // Pages of the arena are touched only when a slot is first filled.
        arena = slotCount > 0 ? .allocate(byteCount: slotCount * slotBytes, alignment: 64) : nil
        tags = .allocate(capacity: max(slotCount, 1))
        tags.initialize(repeating: .max, count: max(slotCount, 1))
        rowCounts = .allocate(capacity: max(slotCount, 1))
        rowCounts.initialize(repeating: 0, count: max(slotCount, 1))
    }

    deinit {
        arena?.deallocate(); tags.deallocate(); rowCounts.deallocate()
    }

    var isEnabled: Bool { slotCount > 0 }

    /// The cached rows of chunk `chunkIndex`, if they include at least `rows` rows.
    @inline(__always)
    func lookup(_ chunkIndex: UInt64, rows: Int) -> UnsafeRawPointer? {
        let slot = Int(chunkIndex % UInt64(slotCount))
        guard tags[slot] == chunkIndex, rowCounts[slot] >= rows else { return nil }
        return UnsafeRawPointer(arena! + slot &* slotBytes)
    }

    /// The slot memory to decode `chunkIndex` into; the slot is untagged until `record` is called.
    func reserve(for chunkIndex: UInt64) -> UnsafeMutableRawPointer {
        let slot = Int(chunkIndex % UInt64(slotCount))
        tags[slot] = .max
        rowCounts[slot] = 0
        return arena! + slot * slotBytes
    }

    /// Tags the slot of `chunkIndex` after a successful decode of `rowCount` rows into it.
    func record(_ chunkIndex: UInt64, rowCount: Int) {
        let slot = Int(chunkIndex % UInt64(slotCount))
        tags[slot] = chunkIndex
        rowCounts[slot] = rowCount
    }
}
