import Transitions

/// What a store holds and how its chunks are encoded. Written once when the store is created and
/// checked on every open: opening with a different schema is an error, never a reinterpretation.
public struct StoreSchema: Codable, Equatable, Sendable {
    /// The on-disk format this code writes and reads.
    public static let currentFormatVersion = 1
    /// Default transitions per chunk, chosen from the measurements in the README (cold sampling
    /// decodes one frame per sampled transition, so frames stay a few KB).
    public static let defaultChunkLength = 32
    /// Default zstd level, chosen from the measurements in the README (level 3 compressed the
    /// same data only 1-2% smaller and appended a third slower).
    public static let defaultCompressionLevel = 1
    /// Default column filter, chosen from the measurements in the README.
    public static let defaultColumnFilter = ColumnFilter.xorDeltaByteShuffle

    /// Largest uncompressed chunk (`chunkLength × rawBytesPerTransition`): 256 MiB.
    public static let maximumChunkBytes = 1 << 28

    public var formatVersion: Int
    public var observationSize: Int
    public var actionSize: Int
    /// Element type of every float column.
    public var valueType: StoreValueType
    public var codec: StoreCodec
    public var compressionLevel: Int
    /// How multi-byte columns are rearranged before compression.
    public var columnFilter: ColumnFilter
    /// Transitions per chunk (one zstd frame each).
    public var chunkLength: Int
    /// Live transitions kept before the oldest unpinned chunks are evicted.
    public var capacity: Int

    public init(observationSize: Int, actionSize: Int, capacity: Int = 1_000_000,
                chunkLength: Int = StoreSchema.defaultChunkLength,
                compressionLevel: Int = StoreSchema.defaultCompressionLevel,
                columnFilter: ColumnFilter = StoreSchema.defaultColumnFilter) {
        self.formatVersion = StoreSchema.currentFormatVersion
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.valueType = .float32
        self.codec = .zstd
        self.compressionLevel = compressionLevel
        self.columnFilter = columnFilter
        self.chunkLength = chunkLength
        self.capacity = capacity
    }

    /// Bytes one transition takes in `TransitionBatch` form (both observations in full, flags as
    /// three bytes): the "raw bytes" the compression ratio is measured against.
    public var rawBytesPerTransition: Int { observationSize * 8 + actionSize * 4 + 4 + 4 + 8 + 4 + 3 }

    /// Throws `invalidSchema` naming the first field out of range.
    public func validate() throws {
        func fail(_ message: String) -> ReplayStoreError { .invalidSchema(message) }
        if formatVersion != StoreSchema.currentFormatVersion {
            throw fail("format version \(formatVersion) is not supported (this build reads version \(StoreSchema.currentFormatVersion))")
        }
        guard (1...1_000_000).contains(observationSize) else { throw fail("observation size \(observationSize) must be in 1...1000000") }
        guard (1...1_000_000).contains(actionSize) else { throw fail("action size \(actionSize) must be in 1...1000000") }
        guard (1...65_536).contains(chunkLength) else { throw fail("chunk length \(chunkLength) must be in 1...65536") }
        guard capacity >= chunkLength else { throw fail("capacity \(capacity) must be at least the chunk length \(chunkLength)") }
        guard ZstdCompressor.levelRange.contains(compressionLevel) else {
            throw fail("compression level \(compressionLevel) must be in \(ZstdCompressor.levelRange)")
        }
        // Sizes are bounded above, so this product cannot overflow. The codec allocates a few times a chunk.
        guard chunkLength * rawBytesPerTransition <= StoreSchema.maximumChunkBytes else {
            throw fail("a chunk of \(chunkLength) transitions of \(rawBytesPerTransition) bytes would exceed \(StoreSchema.maximumChunkBytes >> 20) MiB uncompressed")
        }
    }

    /// Field-by-field differences, for error messages.
    public func differences(from other: StoreSchema) -> [String] {
        var result: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T, _ b: T) { if a != b { result.append("\(name): stored \(a), requested \(b)") } }
        compare("formatVersion", formatVersion, other.formatVersion)
        compare("observationSize", observationSize, other.observationSize)
        compare("actionSize", actionSize, other.actionSize)
        compare("valueType", valueType.rawValue, other.valueType.rawValue)
        compare("codec", codec.rawValue, other.codec.rawValue)
        compare("compressionLevel", compressionLevel, other.compressionLevel)
        compare("columnFilter", columnFilter.rawValue, other.columnFilter.rawValue)
        compare("chunkLength", chunkLength, other.chunkLength)
        compare("capacity", capacity, other.capacity)
        return result
    }
}
