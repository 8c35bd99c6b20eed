import Transitions

/// One decoded chunk in its own memory, row-major (`RowLayout`): the decode target when the cache
/// is off, for rebuilding the writer's tail, and for `verify`/`statistics`. Owns its memory.
final class DecodedChunk {
    let layout: RowLayout
    /// Which chunk the rows hold (`UInt64.max` when none).
    var chunkIndex: UInt64 = .max
    var rowCount = 0
    let rows: UnsafeMutableRawPointer

    init(capacity: Int, layout: RowLayout) {
        self.layout = layout
        rows = .allocate(byteCount: max(1, capacity * layout.stride), alignment: 64)
    }

    deinit { rows.deallocate() }

    @inline(__always) func row(_ row: Int) -> UnsafeRawPointer { UnsafeRawPointer(rows + row &* layout.stride) }
    func episodeID(_ row: Int) -> UInt64 { self.row(row).load(fromByteOffset: layout.episodeOffset, as: UInt64.self) }

    func appendRows(_ range: Range<Int>, to batch: inout TransitionBatch) {
        for r in range { layout.appendRow(row(r), to: &batch) }
    }
}
