/// What `ReplayStore.statistics()` reports (the `replay info` command prints it).
public struct StoreStatistics: Codable, Equatable, Sendable {
    /// Live transitions.
    public var transitions: Int
    /// Transitions ever appended, evicted ones included.
    public var appendedTransitions: Int
    /// Distinct episode ids among live transitions.
    public var episodes: Int
    /// Live chunk records.
    public var chunks: Int
    /// Pinned chunks that the eviction cursor has passed.
    public var pinnedChunks: Int
    /// Bytes of live chunk records (32-byte headers plus zstd frames).
    public var storedBytes: Int
    /// Bytes the live transitions take uncompressed (`StoreSchema.rawBytesPerTransition` each).
    public var rawBytes: Int
    /// rawBytes / storedBytes.
    public var compressionRatio: Double
    /// Size of the LMDB data file (includes free pages and B-tree overhead).
    public var fileBytes: Int
    public var schema: StoreSchema
}
