/// How a process uses a store. Unlike the schema these are not written to disk; each process picks its own.
public struct StoreOptions: Codable, Equatable, Sendable {
    /// Read-write (the default, takes the writer lock) or read-only.
    public var access: StoreAccess
    /// What a commit promises (see `Durability`).
    public var durability: Durability
    /// Memory for decompressed chunks kept between samples, in bytes. 0 turns the cache off.
    public var cacheBudgetBytes: Int
    /// Chunks holding a `demonstration` transition are never evicted.
    public var pinsDemonstrations: Bool
    public var nonFiniteValues: NonFiniteValuePolicy
    /// LMDB map size to start with; doubled whenever a write finds the map full.
    public var initialMapSizeBytes: Int

    public init(access: StoreAccess = .readWrite, durability: Durability = .powerCutSafe, cacheBudgetBytes: Int = 512 << 20,
                pinsDemonstrations: Bool = true, nonFiniteValues: NonFiniteValuePolicy = .reject,
                initialMapSizeBytes: Int = 1 << 30) {
        self.access = access
        self.durability = durability
        self.cacheBudgetBytes = cacheBudgetBytes
        self.pinsDemonstrations = pinsDemonstrations
        self.nonFiniteValues = nonFiniteValues
        self.initialMapSizeBytes = initialMapSizeBytes
    }

    /// Throws `limitExceeded` naming the first option out of range.
    func validate() throws {
        guard (0...StoreLimits.maximumCacheBudgetBytes).contains(cacheBudgetBytes) else {
            throw ReplayStoreError.limitExceeded(name: "cacheBudgetBytes", value: "\(cacheBudgetBytes)",
                                                 limit: "0...\(StoreLimits.maximumCacheBudgetBytes) (this machine's memory)")
        }
        guard (0...StoreLimits.maximumMapSizeBytes).contains(initialMapSizeBytes) else {
            throw ReplayStoreError.limitExceeded(name: "initialMapSizeBytes", value: "\(initialMapSizeBytes)",
                                                 limit: "0...\(StoreLimits.maximumMapSizeBytes)")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case access, durability, cacheBudgetBytes, pinsDemonstrations, nonFiniteValues, initialMapSizeBytes
    }

    /// Options written before `access` existed decode as read-write.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        access = try container.decodeIfPresent(StoreAccess.self, forKey: .access) ?? .readWrite
        durability = try container.decode(Durability.self, forKey: .durability)
        cacheBudgetBytes = try container.decode(Int.self, forKey: .cacheBudgetBytes)
        pinsDemonstrations = try container.decode(Bool.self, forKey: .pinsDemonstrations)
        nonFiniteValues = try container.decode(NonFiniteValuePolicy.self, forKey: .nonFiniteValues)
        initialMapSizeBytes = try container.decode(Int.self, forKey: .initialMapSizeBytes)
    }
}
