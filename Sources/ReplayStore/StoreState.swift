/// The store's mutable bookkeeping, one 32-byte little-endian record (`state` in the `meta` database)
/// rewritten by every append:
///
/// | offset | field |
/// |---|---|
/// | 0 | u64 transitions ever appended (the next transition's global index) |
/// | 8 | u64 eviction cursor: chunks below it are evicted unless pinned |
/// | 16 | u64 pinned chunks below the cursor (entries of the `pinned` database) |
/// | 24 | u64 bytes of all live chunk records (headers + frames) |
struct StoreState: Equatable {
    static let size = 32
    var totalAppended: UInt64 = 0
    var evictionCursor: UInt64 = 0
    var pinnedChunkCount: UInt64 = 0
    var storedBytes: UInt64 = 0

    /// Live transitions: all chunks from the cursor on, plus the (full) pinned chunks below it.
    func liveCount(chunkLength: Int) -> Int {
        let length = UInt64(chunkLength)
        return Int(pinnedChunkCount * length + totalAppended - evictionCursor * length)
    }

    /// Live chunks (the last one possibly partial).
    func liveChunkCount(chunkLength: Int) -> Int {
        let length = UInt64(chunkLength)
        let chunks = (totalAppended + length - 1) / length
        return Int(pinnedChunkCount + chunks - min(evictionCursor, chunks))
    }

    /// Throws `corruptStore` unless the record describes a store `schema` can hold, so that every count
    /// derived from it (live transitions and chunks, raw bytes) is computed without overflow. The record
    /// has no checksum of its own; `ReplayStore.verify` cross-checks it against the chunks.
    func validate(schema: StoreSchema) throws {
        func corrupt(_ reason: String) -> ReplayStoreError { .corruptStore(reason: "the state record \(reason)") }
        let length = UInt64(schema.chunkLength)
        let limit = min(StoreLimits.maximumAppendedTransitions, UInt64(Int.max / max(schema.rawBytesPerTransition, 1)))
        guard totalAppended <= limit else { throw corrupt("claims \(totalAppended) appended transitions, more than the limit of \(limit)") }
        let chunks = (totalAppended + length - 1) / length
        let newestChunk = chunks > 0 ? chunks - 1 : 0
        guard evictionCursor <= newestChunk else {
            throw corrupt("puts the eviction cursor at chunk \(evictionCursor), past the newest chunk \(newestChunk)")
        }
        guard pinnedChunkCount <= evictionCursor else {
            throw corrupt("counts \(pinnedChunkCount) pinned chunks below the eviction cursor \(evictionCursor)")
        }
        guard storedBytes <= UInt64(Int.max) else { throw corrupt("claims \(storedBytes) stored bytes") }
    }

    /// Takes a replaced or evicted record's bytes off `storedBytes`; a total smaller than the record
    /// means the state record is damaged.
    mutating func subtractStoredBytes(_ count: Int) throws {
        guard UInt64(count) <= storedBytes else {
            throw ReplayStoreError.corruptStore(reason: "the state record counts \(storedBytes) stored bytes, less than one record of \(count)")
        }
        storedBytes -= UInt64(count)
    }

    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: StoreState.size)
        result.withUnsafeMutableBytes { buffer in
            buffer.storeBytes(of: totalAppended.littleEndian, toByteOffset: 0, as: UInt64.self)
            buffer.storeBytes(of: evictionCursor.littleEndian, toByteOffset: 8, as: UInt64.self)
            buffer.storeBytes(of: pinnedChunkCount.littleEndian, toByteOffset: 16, as: UInt64.self)
            buffer.storeBytes(of: storedBytes.littleEndian, toByteOffset: 24, as: UInt64.self)
        }
        return result
    }

    init() {}

    init(bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == StoreState.size else {
            throw ReplayStoreError.corruptStore(reason: "state record has \(bytes.count) bytes, expected \(StoreState.size)")
        }
        func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        totalAppended = u64(0); evictionCursor = u64(8); pinnedChunkCount = u64(16); storedBytes = u64(24)
    }
}
