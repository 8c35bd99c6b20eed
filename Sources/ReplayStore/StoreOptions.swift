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
    /// A priority update is appended to the store's priority log; once the log holds at least this many rows,
    /// the update's transaction also folds the log into the per-chunk priority records (and so does closing
    /// the store). 0 folds at every update. The default is what `offpolicy replay bench --prioritized
    /// --fold-rows` measured fastest on 1M transitions (docs/benchmarks.md).
    public var priorityLogFoldRows: Int

    public init(access: StoreAccess = .readWrite, durability: Durability = .powerCutSafe, cacheBudgetBytes: Int = 512 << 20,
                pinsDemonstrations: Bool = true, nonFiniteValues: NonFiniteValuePolicy = .reject,
                initialMapSizeBytes: Int = 1 << 30, priorityLogFoldRows: Int = StoreOptions.defaultPriorityLogFoldRows) {
        self.access = access
        self.durability = durability
        self.cacheBudgetBytes = cacheBudgetBytes
        self.pinsDemonstrations = pinsDemonstrations
        self.nonFiniteValues = nonFiniteValues
        self.initialMapSizeBytes = initialMapSizeBytes
        self.priorityLogFoldRows = priorityLogFoldRows
    }

    public static let defaultPriorityLogFoldRows = 1 << 20

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
        guard priorityLogFoldRows >= 0 else {
            throw ReplayStoreError.limitExceeded(name: "priorityLogFoldRows", value: "\(priorityLogFoldRows)", limit: "0 or more")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case access, durability, cacheBudgetBytes, pinsDemonstrations, nonFiniteValues, initialMapSizeBytes, priorityLogFoldRows
    }

    /// Options written before `access` existed decode as read-write; before `priorityLogFoldRows`, with its default.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        access = try container.decodeIfPresent(StoreAccess.self, forKey: .access) ?? .readWrite
        durability = try container.decode(Durability.self, forKey: .durability)
        cacheBudgetBytes = try container.decode(Int.self, forKey: .cacheBudgetBytes)
        pinsDemonstrations = try container.decode(Bool.self, forKey: .pinsDemonstrations)
        nonFiniteValues = try container.decode(NonFiniteValuePolicy.self, forKey: .nonFiniteValues)
        initialMapSizeBytes = try container.decode(Int.self, forKey: .initialMapSizeBytes)
        priorityLogFoldRows = try container.decodeIfPresent(Int.self, forKey: .priorityLogFoldRows) ?? Self.defaultPriorityLogFoldRows
    }
}
