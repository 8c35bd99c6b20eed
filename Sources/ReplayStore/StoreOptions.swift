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
