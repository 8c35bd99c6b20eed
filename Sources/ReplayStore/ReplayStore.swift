import Foundation
import Randomness
import Transitions

/// A persistent replay store: one LMDB environment in a directory, transitions in zstd-compressed
/// columnar chunks. One writer process and any number of reader processes may use it at once;
/// each `sample` reads one consistent snapshot of the latest commit.
///
/// Open a store once per process (LMDB's rule). The object itself is not thread-safe.
public final class ReplayStore {
    public let path: String
    public let schema: StoreSchema
    public let options: StoreOptions

    let environment: LMDBEnvironment
    let meta: LMDBDatabase
    let chunks: LMDBDatabase
    let pinned: LMDBDatabase
    let codec: ChunkCodec
    let cache: ChunkCache
    let readSession: LMDBReadSession
    /// Decode target when the cache is off, and for rebuilding the writer's tail.
    private let scratch: DecodedChunk
    /// Chunk index of each pinned ordinal learned so far (ordinals never change once written).
    private var pinnedChunkIndices: [UInt64] = []
    /// Rows of the partial last chunk, as this writer last committed them.
    private var tail: TransitionBatch
    /// `totalAppended` of the commit `tail` matches; nil when unknown (before the first append, after a failure).
    private var tailCommittedTotal: UInt64?
    /// The state last read or committed by this process.
    private var lastReadState = StoreState()
    /// The `priorities` database, once it exists (see `ReplayStore+Priorities.swift`).
    var prioritiesDatabase: LMDBDatabase?
    /// The `priority-log` database, once this process opened it (it may not exist yet).
    var priorityLogDatabase: LMDBDatabase?
    /// This process's sampling structure for the priorities of one commit; nil until first prioritized use.
    var priorityIndex: PriorityIndex?
    /// The priority changes of the write transaction under way, applied to `priorityIndex` after it commits.
    var pendingPriorityChanges: [PriorityChange] = []

    static let schemaKey: StaticString = "schema"
    static let stateKey: StaticString = "state"

    private init(path: String, schema: StoreSchema, options: StoreOptions, environment: LMDBEnvironment,
                 databases: (meta: LMDBDatabase, chunks: LMDBDatabase, pinned: LMDBDatabase, priorities: LMDBDatabase?)) throws {
        self.path = path
        prioritiesDatabase = databases.priorities
        self.schema = schema
        self.options = options
        self.environment = environment
        (meta, chunks, pinned) = (databases.meta, databases.chunks, databases.pinned)
        codec = try ChunkCodec(schema: schema)
        cache = ChunkCache(budgetBytes: options.cacheBudgetBytes, chunkLength: schema.chunkLength, layout: codec.layout)
        scratch = DecodedChunk(capacity: schema.chunkLength, layout: codec.layout)
        readSession = LMDBReadSession(environment: environment)
        tail = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize, reservingCapacity: schema.chunkLength)
    }

    deinit {
        if options.access == .readWrite { try? foldPriorityLogIfAny() }
        if options.durability != .powerCutSafe { try? environment.sync() }
    }

    // MARK: Opening

    /// Creates a new store in directory `path` (created if needed). Fails if a store is already there.
    /// When this call created the directory and then fails, it removes what it created.
    public static func create(at path: String, schema: StoreSchema, options: StoreOptions = StoreOptions()) throws -> ReplayStore {
        try schema.validate()
        return try creatingDirectory(path, options: options) {
            let environment = try openEnvironment(at: path, options: options, creating: true)
            let databases = try environment.write { transaction in
                let databases = try openDatabases(environment, transaction, create: true)
                if try transaction.get(databases.meta, key: schemaKey) != nil { throw ReplayStoreError.storeExists(path: path) }
                try writeInitialRecords(schema: schema, databases.meta, transaction)
                return databases
            }
            return try ReplayStore(path: path, schema: schema, options: options, environment: environment, databases: databases)
        }
    }

    /// Opens an existing store, reading its schema from disk. With `options.access == .readOnly` the
    /// store is opened with `MDB_RDONLY` and takes no writer lock. Opened for writing, its pages are
    /// audited first (see `auditBeforeWriting`).
    public static func open(at path: String, options: StoreOptions = StoreOptions()) throws -> ReplayStore {
        let environment = try openEnvironment(at: path, options: options, creating: false)
        if options.access == .readWrite { try auditBeforeWriting(environment, path: path) }
        let (schema, databases) = try environment.read { transaction in
            let databases: (meta: LMDBDatabase, chunks: LMDBDatabase, pinned: LMDBDatabase, priorities: LMDBDatabase?)
            do {
                databases = try openDatabases(environment, transaction, create: false)
            } catch let ReplayStoreError.lmdb(_, code, _) where code == LMDBReturnCode.notFound.rawValue {
                throw ReplayStoreError.notAStore(path: path)
            }
            return (try readSchema(databases.meta, transaction, path: path), databases)
        }
        return try ReplayStore(path: path, schema: schema, options: options, environment: environment, databases: databases)
    }

    /// Opens the store at `path` if there is one (its schema must equal `schema`), or creates it.
    public static func openOrCreate(at path: String, schema: StoreSchema, options: StoreOptions = StoreOptions()) throws -> ReplayStore {
        try schema.validate()
        return try creatingDirectory(path, options: options) {
            let environment = try openEnvironment(at: path, options: options, creating: true)
            try auditBeforeWriting(environment, path: path)
            let databases = try environment.write { transaction in
                let databases = try openDatabases(environment, transaction, create: true)
                if try transaction.get(databases.meta, key: schemaKey) != nil {
                    let stored = try readSchema(databases.meta, transaction, path: path)
                    let differences = stored.differences(from: schema)
                    if !differences.isEmpty { throw ReplayStoreError.schemaMismatch(path: path, differences: differences) }
                } else {
                    try writeInitialRecords(schema: schema, databases.meta, transaction)
                }
                return databases
            }
            return try ReplayStore(path: path, schema: schema, options: options, environment: environment, databases: databases)
        }
    }

    /// Opens `path` and checks that its schema equals `schema`.
    public static func open(at path: String, expecting schema: StoreSchema, options: StoreOptions = StoreOptions()) throws -> ReplayStore {
        let store = try open(at: path, options: options)
        let differences = store.schema.differences(from: schema)
        if !differences.isEmpty { throw ReplayStoreError.schemaMismatch(path: path, differences: differences) }
        return store
    }

    /// Audits the pages of an existing store (`LMDBPageAudit`) before this process writes to it, and
    /// throws `corruptStore` naming the first damaged page. A writer trusts every page it touches: on a
    /// damaged one LMDB may crash, or free the wrong page and spread the damage. The audit reads the
    /// B-tree pages and the header of every overflow run (a fraction of a second for a store of a
    /// million transitions); the writer lock keeps the pages as audited until this process writes.
    private static func auditBeforeWriting(_ environment: LMDBEnvironment, path: String) throws {
        try environment.read { transaction in
            if let problem = try LMDBPageAudit(directory: path).audit(transactionID: transaction.id) {
                throw ReplayStoreError.corruptStore(reason: "B-tree damaged: \(problem); nothing was written (run `replay verify`)")
            }
        }
    }

    /// What every process does when LMDB's own assertion fails on a damaged B-tree page (see
    /// `LMDBAssertionResponse`). LMDB's default, `.abort`, until a program chooses otherwise; the
    /// `offpolicy` tool ends with a one-line error instead.
    public static var lmdbAssertionResponse: LMDBAssertionResponse {
        get { LMDBAssertionHandler.response }
        set { LMDBAssertionHandler.response = newValue }
    }

    /// The store was opened read-only without LMDB's lock file, because this process may not write
    /// `lock.mdb` (no permission, an immutable file). Such a reader is not registered in LMDB's reader
    /// table: a writer starting later may reuse pages it still reads. Opening refuses this mode while
    /// a writer holds the store.
    public var isReadingWithoutLockFile: Bool { environment.isUnlocked }

    /// Runs `body` (which creates or opens a store in `path`), first creating the directory and its
    /// missing parents; if `body` throws, removes the store files and directories this call created,
    /// so a failed create leaves nothing behind.
    private static func creatingDirectory(_ path: String, options: StoreOptions, _ body: () throws -> ReplayStore) throws -> ReplayStore {
        guard options.access == .readWrite else { throw ReplayStoreError.readOnly(path: path) }
        let created = try StoreDirectory.make(path)
        do {
            return try body()
        } catch {
            StoreDirectory.remove(created)
            throw error
        }
    }

    private static func openEnvironment(at path: String, options: StoreOptions, creating: Bool) throws -> LMDBEnvironment {
        try options.validate()
        let dataFile = path + "/data.mdb"
        var status = stat()
        let dataFileExists = stat(dataFile, &status) == 0
        if !creating && !dataFileExists { throw ReplayStoreError.notAStore(path: path) }
        // LMDB maps every page the meta page names; check they exist before it does (SIGBUS otherwise).
        // An empty data.mdb is a store whose creation never wrote a page: LMDB initialises it.
        if dataFileExists && (status.st_size > 0 || !creating) { _ = try LMDBMetaPages(directory: path) }
        let mapSize = max(options.initialMapSizeBytes, 1 << 20)
        var flags: LMDBEnvironmentFlags = [.noThreadLocalStorage, .noReadAhead]
        switch options.access {
        case .readOnly:
            flags.insert(.readOnly)
            // LMDB needs lock.mdb writable (its reader table) and allocated (see `LMDBLockFile`). When it
            // cannot be (no permission, `chattr +i`, a full disk), read without it: that skips LMDB's
            // reader table, which is safe only while nobody writes, so it is refused while a writer is at work.
            if let unusable = LMDBLockFile.prepare(directory: path), unusable.code != EROFS {
                return try openWithoutLockFile(at: path, mapSize: mapSize, flags: flags, reason: unusable.reason)
            }
            do {
                return try LMDBEnvironment(directory: path, mapSize: mapSize, maxDatabases: 6, flags: flags, writerLease: nil)
            } catch let ReplayStoreError.lmdb(_, code, message) where code == EACCES || code == EPERM {
                return try openWithoutLockFile(at: path, mapSize: mapSize, flags: flags, reason: message)
            }
        case .readWrite:
            switch options.durability {
            case .powerCutSafe: break
            case .powerCutMayUndoLastCommit: flags.insert(.noMetaSync)
            case .processCrashSafe: flags.insert(.noSync)
            }
            let lease = try StoreWriterLock.acquire(directory: path)
            if let unusable = LMDBLockFile.prepare(directory: path) {
                throw ReplayStoreError.fileSystem(operation: "prepare LMDB's lock file", path: path + "/lock.mdb", message: unusable.reason)
            }
            return try LMDBEnvironment(directory: path, mapSize: mapSize, maxDatabases: 6, flags: flags, writerLease: lease)
        }
    }

    /// Opens read-only with `MDB_NOLOCK`, unless a writer holds the store right now.
    private static func openWithoutLockFile(at path: String, mapSize: Int, flags: LMDBEnvironmentFlags, reason: String) throws -> LMDBEnvironment {
        let probe = StoreWriterLock.probe(directory: path)
        if probe.isHeld {
            throw ReplayStoreError.unsafeToReadWithoutLockFile(path: path, reason: reason, writer: probe.holder)
        }
        return try LMDBEnvironment(directory: path, mapSize: mapSize, maxDatabases: 6, flags: flags.union(.noLock), writerLease: nil)
    }

    /// Opens the three databases every store has (creating them with `create`), and the `priorities`
    /// database when the store has one (it is created on first prioritized use, never here).
    private static func openDatabases(_ environment: LMDBEnvironment, _ transaction: LMDBTransaction, create: Bool) throws
        -> (meta: LMDBDatabase, chunks: LMDBDatabase, pinned: LMDBDatabase, priorities: LMDBDatabase?) {
        (try environment.openDatabase(named: "meta", in: transaction, create: create),
         try environment.openDatabase(named: "chunks", in: transaction, create: create),
         try environment.openDatabase(named: "pinned", in: transaction, create: create),
         try openPrioritiesDatabase(environment, transaction))
    }

    private static func writeInitialRecords(schema: StoreSchema, _ meta: LMDBDatabase, _ transaction: LMDBTransaction) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(schema)
        try json.withUnsafeBytes { try transaction.put(meta, key: schemaKey, value: $0) }
        try StoreState().bytes.withUnsafeBytes { try transaction.put(meta, key: stateKey, value: $0) }
    }

    private static func readSchema(_ meta: LMDBDatabase, _ transaction: LMDBTransaction, path: String) throws -> StoreSchema {
        guard let bytes = try transaction.get(meta, key: schemaKey) else { throw ReplayStoreError.notAStore(path: path) }
        guard bytes.count <= 1 << 16 else {
            throw ReplayStoreError.corruptStore(reason: "the schema record of \(path) has \(bytes.count) bytes, more than any schema")
        }
        let schema: StoreSchema
        do {
            schema = try JSONDecoder().decode(StoreSchema.self, from: Data(bytes))
        } catch {
            throw ReplayStoreError.corruptStore(reason: "the schema record of \(path) does not decode: \(error)")
        }
        try schema.validate()
        return schema
    }

    // MARK: State

    func readState(_ transaction: LMDBTransaction) throws -> StoreState {
        guard let bytes = try transaction.get(meta, key: ReplayStore.stateKey) else {
            throw ReplayStoreError.corruptStore(reason: "the state record is missing")
        }
        let state = try StoreState(bytes: bytes)
        try state.validate(schema: schema)
        return state
    }

    /// The latest committed state, read in a fresh snapshot.
    func committedState() throws -> StoreState {
        let state = try readSession.withSnapshot { try readState($0) }
        lastReadState = state
        return state
    }

    /// Live (not evicted) transitions, as of the latest committed state. Should reading the state
    /// fail (an LMDB error), this is the count last read successfully; `liveTransitionCount()` throws instead.
    public var transitionCount: Int {
        ((try? committedState()) ?? lastReadState).liveCount(chunkLength: schema.chunkLength)
    }

    /// Live (not evicted) transitions, as of the latest committed state.
    public func liveTransitionCount() throws -> Int {
        try committedState().liveCount(chunkLength: schema.chunkLength)
    }

    /// Transitions ever appended, evicted ones included: the global index the next appended transition
    /// gets (same fallback as `transitionCount`).
    public var appendedCount: Int {
        Int(((try? committedState()) ?? lastReadState).totalAppended)
    }

    /// Transitions ever appended, as of the latest committed state; throws where `appendedCount` falls back.
    public func appendedTransitionCount() throws -> Int {
        Int(try committedState().totalAppended)
    }

    /// Forces everything committed to disk (`mdb_env_sync`). Needed only with a relaxed `Durability`.
    public func sync() throws {
        try environment.sync()
    }

    // MARK: Appending

    /// Appends `batch` in one write transaction: after it returns, the transitions are committed and
    /// visible to every sampler; if it throws, nothing of the batch was stored.
    public func append(_ batch: TransitionBatch) throws {
        try validate(batch)
        guard batch.count > 0 else { return }
        try appendInOneTransaction(validating: false) { append in try append(batch) }
    }

    /// Appends every batch that `body` hands to its `append` argument, all in one write transaction:
    /// when this returns, all of them are committed together; if `body` or one of its appends throws,
    /// none of them is stored (the store is as it was before). Each batch is checked as by
    /// `append(_:)`. Memory beyond one batch is what LMDB keeps of the transaction's dirty pages.
    ///
    /// `body` may run more than once: when the map is full it is grown and the transaction retried
    /// from the start, so `body` must hand over the same batches each time (read its source anew).
    ///
    /// With `source`, the environment record is written in the same transaction, as
    /// `recordSourceEnvironment(_:)` writes it (and a store that records another one fails the whole append).
    public func appendInOneTransaction<T>(recording source: SourceEnvironment? = nil,
                                          _ body: (_ append: (TransitionBatch) throws -> Void) throws -> T) throws -> T {
        if let source { try checkFits(source) }
        return try appendInOneTransaction(validating: true, recording: source, body)
    }

    private func appendInOneTransaction<T>(validating: Bool, recording source: SourceEnvironment? = nil,
                                           _ body: (_ append: (TransitionBatch) throws -> Void) throws -> T) throws -> T {
        let (result, committed, generationBefore, prioritiesAfter): (T, StoreState, UInt64?, PriorityState?) = try environment.write { transaction in
            var state = try readState(transaction)
            if tailCommittedTotal != state.totalAppended { try loadTail(state, transaction) }
            tailCommittedTotal = nil  // until this commit succeeds
            pendingPriorityChanges.removeAll()
            var priorities = try readPriorityState(transaction)
            let generationBefore = priorities?.generation
            let result = try body { batch in
                if validating { try validate(batch) }
                try appendRows(of: batch, to: &state, priorities: priorities, transaction)
            }
            try evict(&state, keepingPriorities: priorities != nil, transaction)
            if let source { try putSourceEnvironment(source, transaction) }
            try state.bytes.withUnsafeBytes { try transaction.put(meta, key: ReplayStore.stateKey, value: $0) }
            if priorities != nil {
                priorities!.generation += 1
                try writePriorityState(priorities!, transaction)
            }
            return (result, state, generationBefore, priorities)
        }
        tailCommittedTotal = committed.totalAppended
        lastReadState = committed
        applyCommittedPriorityChanges(generationBefore: generationBefore, after: prioritiesAfter)
        return result
    }

    /// Writes the rows of `batch` into chunks in `transaction`, advancing `state` (not yet stored).
    /// With `priorities` (the store keeps them), also writes each touched chunk's priority record: the new
    /// rows at the maximum priority.
    private func appendRows(of batch: TransitionBatch, to state: inout StoreState, priorities: PriorityState?,
                            _ transaction: LMDBTransaction) throws {
        let length = schema.chunkLength
        var row = 0
        while row < batch.count {
            let chunkIndex = state.totalAppended / UInt64(length)
            let firstTransition = chunkIndex * UInt64(length)
            if tail.count == 0 && batch.count - row >= length {
                let record = try codec.encode(batch, rows: row..<(row + length), firstTransition: firstTransition,
                                              pinsDemonstrations: options.pinsDemonstrations)
                try transaction.put(chunks, key: chunkIndex, value: record)
                state.storedBytes += UInt64(record.count)
                if let priorities {
                    try appendPriorities(chunk: chunkIndex, first: 0, sources: batch.sources[row..<(row + length)], priorities, transaction)
                }
                row += length
                state.totalAppended += UInt64(length)
            } else {
                let take = min(length - tail.count, batch.count - row)
                if let priorities {
                    try appendPriorities(chunk: chunkIndex, first: tail.count, sources: batch.sources[row..<(row + take)], priorities, transaction)
                }
                tail.appendRows(of: batch, row..<(row + take))
                row += take
                state.totalAppended += UInt64(take)
                if let old = try transaction.get(chunks, key: chunkIndex) { try state.subtractStoredBytes(old.count) }
                let record = try codec.encode(tail, rows: 0..<tail.count, firstTransition: firstTransition,
                                              pinsDemonstrations: options.pinsDemonstrations)
                try transaction.put(chunks, key: chunkIndex, value: record)
                state.storedBytes += UInt64(record.count)
                if tail.count == length { tail.removeAll() }
            }
        }
    }

    /// Rebuilds `tail` from the committed partial last chunk (another process may have appended).
    private func loadTail(_ state: StoreState, _ transaction: LMDBTransaction) throws {
        tail.removeAll()
        let length = UInt64(schema.chunkLength)
        let rows = Int(state.totalAppended % length)
        guard rows > 0 else { return }
        let chunkIndex = state.totalAppended / length
        guard let record = try transaction.get(chunks, key: chunkIndex) else {
            throw ReplayStoreError.corruptStore(reason: "the last chunk \(chunkIndex) is missing")
        }
        try codec.decode(record, chunkIndex: chunkIndex, into: scratch)
        guard scratch.rowCount == rows else {
            throw ReplayStoreError.corruptChunk(chunk: chunkIndex, firstTransition: chunkIndex * length,
                                                reason: "holds \(scratch.rowCount) rows, the state says \(rows)")
        }
        scratch.appendRows(0..<rows, to: &tail)
    }

    /// FIFO eviction of whole chunks until the live count fits the capacity. Pinned chunks are
    /// skipped (recorded in the `pinned` database); the newest chunk is never evicted.
    /// With `keepingPriorities`, an evicted chunk's priority record goes with it.
    private func evict(_ state: inout StoreState, keepingPriorities: Bool, _ transaction: LMDBTransaction) throws {
        let length = UInt64(schema.chunkLength)
        guard state.totalAppended > 0 else { return }
        let newestChunk = (state.totalAppended - 1) / length
        while state.liveCount(chunkLength: schema.chunkLength) > schema.capacity && state.evictionCursor < newestChunk {
            let chunkIndex = state.evictionCursor
            guard let record = try transaction.get(chunks, key: chunkIndex) else {
                throw ReplayStoreError.corruptStore(reason: "chunk \(chunkIndex) below the newest chunk is missing")
            }
            let header = try ChunkRecordHeader.read(record, chunkIndex: chunkIndex, chunkLength: schema.chunkLength)
            if header.isPinned {
                var value = chunkIndex.littleEndian
                try withUnsafeBytes(of: &value) { try transaction.put(pinned, key: state.pinnedChunkCount, value: $0) }
                state.pinnedChunkCount += 1
            } else {
                try state.subtractStoredBytes(record.count)
                try transaction.delete(chunks, key: chunkIndex)
                if keepingPriorities { try removePriorities(chunk: chunkIndex, transaction) }
            }
            state.evictionCursor += 1
        }
    }

    /// Checks the batch's shape against the schema, and its values for NaN and ±∞. A batch's columns
    /// always hold `count` rows of its own widths (its `append` checks every row), so only the widths
    /// need comparing.
    private func validate(_ batch: TransitionBatch) throws {
        let o = schema.observationSize, a = schema.actionSize
        func expect(_ column: String, _ actual: Int, _ expected: Int) throws {
            if actual != expected { throw ReplayStoreError.wrongSize(column: column, expected: expected, actual: actual) }
        }
        try expect("observationSize", batch.observationSize, o)
        try expect("actionSize", batch.actionSize, a)
        guard options.nonFiniteValues == .reject else { return }
        func finite(_ column: String, _ values: [Float], width: Int, allowNaN: Bool = false) throws {
            try values.withUnsafeBufferPointer { buffer in
                for (i, value) in buffer.enumerated() where !value.isFinite && !(allowNaN && value.isNaN) {
                    throw ReplayStoreError.nonFinite(column: column, row: i / width, component: i % width, value: value)
                }
            }
        }
        try finite("observations", batch.observations, width: o)
        try finite("actions", batch.actions, width: a)
        try finite("rewards", batch.rewards, width: 1)
        try finite("nextObservations", batch.nextObservations, width: o)
        try finite("behaviorLogProbabilities", batch.behaviorLogProbabilities, width: 1, allowNaN: true)
    }

    // MARK: Sampling

    /// Fills `batch` with `batchSize` transitions drawn uniformly (with replacement) from the live
    /// transitions of the latest commit. Reuses `batch`'s memory when it already has `batchSize` rows
    /// of the right shape; with a warm cache nothing is allocated.
    public func sample(batchSize: Int, using generator: inout SeededGenerator, into batch: inout TransitionBatch) throws {
        try prepare(&batch, rows: batchSize, name: "batchSize")
        let length = schema.chunkLength
        try readSession.withSnapshot { transaction in
            let state = try readState(transaction)
            let live = state.liveCount(chunkLength: length)
            guard live > 0 else { throw ReplayStoreError.empty(path: path) }
            let pinnedRows = Int(state.pinnedChunkCount) * length
            let cursorFirst = Int(state.evictionCursor) * length
            try batch.withUnsafeMutableColumns { columns in
                for slot in 0..<batchSize {
                    let position = generator.nextIndex(below: live)
                    let chunkIndex: UInt64
                    let row: Int
                    if position < pinnedRows {
                        chunkIndex = try pinnedChunk(ordinal: position / length, state: state, transaction)
                        row = position % length
                    } else {
                        let global = position - pinnedRows + cursorFirst
                        chunkIndex = UInt64(global / length)
                        row = global % length
                    }
                    try copyTransition(chunk: chunkIndex, row: row, into: columns, at: slot, transaction)
                }
            }
        }
    }

    /// Convenience: a new batch of `batchSize` sampled transitions.
    public func sample(batchSize: Int, using generator: inout SeededGenerator) throws -> TransitionBatch {
        try checkBatchSize(batchSize)
        var batch = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize, zeroedCount: batchSize)
        try sample(batchSize: batchSize, using: &generator, into: &batch)
        return batch
    }

    /// Throws `limitExceeded` when a batch of `batchSize` transitions would exceed `StoreLimits`
    /// (in count, or in bytes for this schema) before anything is allocated.
    /// Checks a sampler's row count (positive, within the limits) and gives `batch` exactly `rows` rows of
    /// the schema's shape, reusing its memory when it has them already.
    func prepare(_ batch: inout TransitionBatch, rows: Int, name: String = "batch size") throws {
        guard rows > 0 else { throw ReplayStoreError.wrongSize(column: name, expected: 1, actual: rows) }
        try checkBatchSize(rows, name: name)
        let o = schema.observationSize, a = schema.actionSize
        if batch.count != rows || batch.observationSize != o || batch.actionSize != a {
            batch = TransitionBatch(observationSize: o, actionSize: a, zeroedCount: rows)
        }
    }

    public func checkBatchSize(_ batchSize: Int, name: String = "batch size") throws {
        guard batchSize <= StoreLimits.maximumBatchSize else {
            throw ReplayStoreError.limitExceeded(name: name, value: "\(batchSize)", limit: "\(StoreLimits.maximumBatchSize) transitions")
        }
        guard let bytes = StoreLimits.product(batchSize, schema.rawBytesPerTransition), bytes <= StoreLimits.maximumBatchBytes else {
            throw ReplayStoreError.limitExceeded(
                name: name, value: "\(batchSize)",
                limit: "\(StoreLimits.maximumBatchBytes / schema.rawBytesPerTransition) transitions of \(schema.rawBytesPerTransition) bytes (4 GiB)")
        }
    }

    func pinnedChunk(ordinal: Int, state: StoreState, _ transaction: LMDBTransaction) throws -> UInt64 {
        while pinnedChunkIndices.count <= ordinal {
            let next = UInt64(pinnedChunkIndices.count)
            guard let value = try transaction.get(pinned, key: next), value.count == 8 else {
                throw ReplayStoreError.corruptStore(reason: "pinned entry \(next) of \(state.pinnedChunkCount) is missing or malformed")
            }
            let chunkIndex = UInt64(littleEndian: value.loadUnaligned(as: UInt64.self))
            guard chunkIndex < state.evictionCursor else {
                throw ReplayStoreError.corruptStore(reason: "pinned entry \(next) names chunk \(chunkIndex), not one below the eviction cursor \(state.evictionCursor)")
            }
            pinnedChunkIndices.append(chunkIndex)
        }
        return pinnedChunkIndices[ordinal]
    }

    /// Copies transition `row` of chunk `chunkIndex` into `slot` of `columns`: from the cache, or
    /// read and decoded (into the cache, or, with the cache off, straight from the decoded columns).
    @inline(__always)
    func copyTransition(chunk chunkIndex: UInt64, row: Int, into columns: BatchColumns, at slot: Int,
                                _ transaction: LMDBTransaction) throws {
        let layout = codec.layout
        if cache.isEnabled, let hit = cache.lookup(chunkIndex, rows: row + 1) {
            layout.copyRow(hit + row &* layout.stride, into: columns, at: slot)
            return
        }
        let firstTransition = chunkIndex &* UInt64(schema.chunkLength)
        func tooShort(_ count: Int) -> ReplayStoreError {
            .corruptChunk(chunk: chunkIndex, firstTransition: firstTransition, reason: "holds \(count) rows, row \(row) was expected")
        }
        let scratchColumns = codec.columnsHolding(chunkIndex)
        if !cache.isEnabled, let scratchColumns, scratchColumns.rowCount > row {
            scratchColumns.copyRow(row, into: columns, at: slot)
            return
        }
        guard let record = try transaction.get(chunks, key: chunkIndex) else {
            throw ReplayStoreError.corruptChunk(chunk: chunkIndex, firstTransition: firstTransition, reason: "the record is missing")
        }
        if cache.isEnabled {
            let base = cache.reserve(for: chunkIndex)
            let count = try codec.decode(record, chunkIndex: chunkIndex, intoRows: base)
            cache.record(chunkIndex, rowCount: count)
            guard count > row else { throw tooShort(count) }
            layout.copyRow(base + row &* layout.stride, into: columns, at: slot)
        } else {
            let decoded = try codec.decodeColumns(record, chunkIndex: chunkIndex)
            guard decoded.rowCount > row else { throw tooShort(decoded.rowCount) }
            decoded.copyRow(row, into: columns, at: slot)
        }
    }
}

extension ReplayStore {
    /// Decodes live chunks into the cache until it is full or every live chunk is in it, so the
    /// first samples already run at in-memory speed (for example before offline training).
    public func warmCache() throws {
        guard cache.isEnabled else { return }
        try environment.read { transaction in
            var loaded = 0
            try transaction.forEach(chunks) { chunkIndex, record in
                let rows = try codec.decode(record, chunkIndex: chunkIndex, intoRows: cache.reserve(for: chunkIndex))
                cache.record(chunkIndex, rowCount: rows)
                loaded += 1
                return loaded < cache.slotCount
            }
        }
    }
}
