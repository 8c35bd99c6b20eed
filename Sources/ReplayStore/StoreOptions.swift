/// How a process uses a store. Unlike the schema these are not written to disk; each process picks its own.
public struct StoreOptions: Codable, Equatable, Sendable {
    /// What a commit promises (see `Durability`).
    public var durability: Durability
    /// Memory for decompressed chunks kept between samples, in bytes. 0 turns the cache off.
    public var cacheBudgetBytes: Int
    /// Chunks holding a `demonstration` transition are never evicted.
    public var pinsDemonstrations: Bool
    public var nonFiniteValues: NonFiniteValuePolicy
    /// LMDB map size to start with; doubled whenever a write finds the map full.
    public var initialMapSizeBytes: Int

    public init(durability: Durability = .powerCutSafe, cacheBudgetBytes: Int = 512 << 20,
                pinsDemonstrations: Bool = true, nonFiniteValues: NonFiniteValuePolicy = .reject,
                initialMapSizeBytes: Int = 1 << 30) {
        self.durability = durability
        self.cacheBudgetBytes = cacheBudgetBytes
        self.pinsDemonstrations = pinsDemonstrations
        self.nonFiniteValues = nonFiniteValues
        self.initialMapSizeBytes = initialMapSizeBytes
    }
}

/// What a committed `append` survives. Every mode survives `kill -9` of the process: LMDB writes
/// committed pages to the file before `mdb_txn_commit` returns, and the kernel keeps them.
public enum Durability: String, Codable, CaseIterable, Sendable {
    /// Default. Data and meta pages are flushed at every commit (LMDB default sync):
    /// a commit survives a power cut.
    case powerCutSafe
    /// `MDB_NOMETASYNC`: data is flushed at every commit, the meta page at the next one; a power cut
    /// may undo the last commit but never corrupts the store.
    case powerCutMayUndoLastCommit
    /// `MDB_NOSYNC`: nothing is flushed at commit; `sync()` (and closing the store) flushes. A power cut
    /// may lose or damage what was committed since the last `sync()`. For training loops that append
    /// one transition per environment step and call `sync()` at checkpoints.
    case processCrashSafe
}

/// What `append` does with NaN or infinite values in float columns.
/// (A NaN behavior log-probability always means "unknown" and is accepted.)
public enum NonFiniteValuePolicy: String, Codable, Sendable {
    /// Default: the whole batch is rejected with an error naming the column, row and component.
    case reject
    /// Stored as given.
    case allow
}
