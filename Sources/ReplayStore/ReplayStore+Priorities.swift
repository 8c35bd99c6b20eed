import Foundation
import Randomness
import Transitions

/// Prioritized experience replay (Schaul et al. 2016), kept in the store.
///
/// **On disk.** A store that keeps priorities has a `priorities` record in `meta` (`PriorityState`: the
/// maximum priority, a generation counter and the rows in the log), a `priorities` database mapping each
/// live chunk's key to its rows' stored priorities and demonstration flags (`PriorityRecord`), and a
/// `priority-log` database of the updates not yet folded into those records (`PriorityLogRecord`, keyed
/// by generation). Every append writes the new rows' priorities (the maximum priority) in its own
/// transaction and eviction deletes an evicted chunk's record in its own. `updatePriorities` is one write
/// transaction that appends one log record (a few KB, where rewriting the touched chunk records copied
/// one LMDB page per row); once the log holds `StoreOptions.priorityLogFoldRows` rows, the same transaction
/// folds it into the chunk records and empties it. Priorities are committed with the same guarantees as
/// transitions. A transition's stored priority is its chunk record's, overridden by the log's records in
/// generation order; log rows of evicted chunks are skipped.
///
/// **Old stores** have neither. The first prioritized use of a store opened for writing (a prioritized
/// sample or a priority update) adds them in one transaction: every live transition at priority 1.
/// A store opened read-only that has none cannot be sampled by priority (`noPriorities`).
///
/// **In memory.** Each process keeps a `PriorityIndex` (sum and min tree) of the commit it last saw.
/// The writer keeps its index current with its own commits; a reader rebuilds its index from the stored
/// priorities of the snapshot it samples whenever the generation changed (O(N), as on open).
extension ReplayStore {
    static let priorityStateKey: StaticString = "priorities"
    static let prioritiesDatabaseName = "priorities"
    static let priorityLogDatabaseName = "priority-log"

    /// The `priorities` database when it exists in this snapshot, nil otherwise.
    static func openPrioritiesDatabase(_ environment: LMDBEnvironment, _ transaction: LMDBTransaction) throws -> LMDBDatabase? {
        do {
            return try environment.openDatabase(named: prioritiesDatabaseName, in: transaction, create: false)
        } catch let ReplayStoreError.lmdb(_, code, _) where code == LMDBReturnCode.notFound.rawValue {
            return nil
        }
    }

    /// The `priority-log` database when it exists in this snapshot, nil otherwise.
    static func openPriorityLogDatabase(_ environment: LMDBEnvironment, _ transaction: LMDBTransaction) throws -> LMDBDatabase? {
        do {
            return try environment.openDatabase(named: priorityLogDatabaseName, in: transaction, create: false)
        } catch let ReplayStoreError.lmdb(_, code, _) where code == LMDBReturnCode.notFound.rawValue {
            return nil
        }
    }

    /// Thrown inside a snapshot whose log this process has no handle for (the writer created the log after
    /// `withPrioritySnapshot` looked for it); that function opens it and takes a new snapshot.
    private struct PriorityLogNotOpen: Error {}

    /// Calls `body` with every logged (index, priority) of `transaction`'s snapshot, whose priority state is
    /// `state`, in commit order.
    private func forEachLoggedPriority(_ state: PriorityState, _ transaction: LMDBTransaction,
                                       _ body: (UInt64, Float) throws -> Void) throws {
        guard state.loggedRows > 0 else { return }
        guard let log = priorityLogDatabase else { throw PriorityLogNotOpen() }
        try transaction.forEach(log) { generation, bytes in
            let record = try PriorityLogRecord(bytes: bytes, generation: generation)
            for (index, priority) in zip(record.indices, record.priorities) { try body(index, priority) }
            return true
        }
    }

    /// `body` in a snapshot of the latest commit, with the `priorities` and `priority-log` database handles
    /// opened first when they exist. LMDB keeps a handle opened in a committed transaction only, so they are
    /// opened in one of their own (the reused snapshot is reset, not committed).
    func withPrioritySnapshot<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        for attempt in 0..<2 {
            if prioritiesDatabase == nil || priorityLogDatabase == nil {
                try environment.read { transaction in
                    if prioritiesDatabase == nil { prioritiesDatabase = try Self.openPrioritiesDatabase(environment, transaction) }
                    if priorityLogDatabase == nil { priorityLogDatabase = try Self.openPriorityLogDatabase(environment, transaction) }
                }
            }
            do {
                return try readSession.withSnapshot(body)
            } catch is PriorityLogNotOpen where attempt == 0 {
                continue
            }
        }
        throw ReplayStoreError.corruptStore(reason: "the priorities record counts logged rows but there is no priority-log database")
    }

    /// Whether the latest commit keeps priorities.
    public func keepsPriorities() throws -> Bool {
        try readSession.withSnapshot { try readPriorityState($0) != nil }
    }

    func readPriorityState(_ transaction: LMDBTransaction) throws -> PriorityState? {
        guard let bytes = try transaction.get(meta, key: Self.priorityStateKey) else { return nil }
        return try PriorityState(bytes: bytes)
    }

    func writePriorityState(_ state: PriorityState, _ transaction: LMDBTransaction) throws {
        try state.bytes.withUnsafeBytes { try transaction.put(meta, key: Self.priorityStateKey, value: $0) }
    }

    private func requirePrioritiesDatabase() throws -> LMDBDatabase {
        guard let prioritiesDatabase else { throw ReplayStoreError.corruptStore(reason: "the priorities record exists but the priorities database does not") }
        return prioritiesDatabase
    }

    /// The stored record of `chunk`, with rows missing from it (written by a build that kept no priorities)
    /// filled in at `maximum`, so it has `rows` rows.
    private func priorityRecord(chunk: UInt64, rows: Int, maximum: Float, _ transaction: LMDBTransaction) throws -> PriorityRecord {
        var record = PriorityRecord(priorities: [], demonstrations: [])
        if let bytes = try transaction.get(try requirePrioritiesDatabase(), key: chunk) {
            record = try PriorityRecord(bytes: bytes, chunk: chunk, chunkLength: schema.chunkLength)
        }
        if record.priorities.count > rows {
            record.priorities.removeLast(record.priorities.count - rows)
            record.demonstrations.removeLast(record.demonstrations.count - rows)
        }
        while record.priorities.count < rows {
            record.priorities.append(maximum)
            record.demonstrations.append(false)
        }
        return record
    }

    private func putPriorityRecord(_ record: PriorityRecord, chunk: UInt64, _ transaction: LMDBTransaction) throws {
        try record.bytes.withUnsafeBytes { try transaction.put(try requirePrioritiesDatabase(), key: chunk, value: $0) }
    }

    // MARK: Hooks of append and eviction

    /// Writes rows `first ..< first + sources.count` of `chunk` at the maximum priority (in the append's transaction).
    func appendPriorities(chunk: UInt64, first: Int, sources: ArraySlice<TransitionSource>, _ state: PriorityState,
                          _ transaction: LMDBTransaction) throws {
        var record = try priorityRecord(chunk: chunk, rows: first, maximum: state.maximumPriority, transaction)
        let priorities = [Float](repeating: state.maximumPriority, count: sources.count)
        let demonstrations = sources.map { $0 == .demonstration }
        record.priorities += priorities
        record.demonstrations += demonstrations
        try putPriorityRecord(record, chunk: chunk, transaction)
        pendingPriorityChanges.append(.rows(chunk: chunk, first: first, priorities: priorities, demonstrations: demonstrations))
    }

    /// Deletes an evicted chunk's priority record (in the eviction's transaction).
    func removePriorities(chunk: UInt64, _ transaction: LMDBTransaction) throws {
        let database = try requirePrioritiesDatabase()
        if try transaction.get(database, key: chunk) != nil { try transaction.delete(database, key: chunk) }
        pendingPriorityChanges.append(.evicted(chunk: chunk))
    }

    /// After a commit: brings this process's index to the committed priorities, or drops it (to be rebuilt)
    /// when it did not reflect the commit the transaction started from.
    func applyCommittedPriorityChanges(generationBefore: UInt64?, after: PriorityState?) {
        defer { pendingPriorityChanges.removeAll() }
        guard let index = priorityIndex, let after else { return }
        guard index.generation == generationBefore else { priorityIndex = nil; return }
        index.apply(pendingPriorityChanges)
        index.generation = after.generation
        index.maximumPriority = after.maximumPriority
    }

    // MARK: Live transitions

    /// The live chunks of `state`, pinned ones below the cursor first, each with its row count.
    private func liveChunks(_ state: StoreState, _ transaction: LMDBTransaction) throws -> [(chunk: UInt64, rows: Int)] {
        let length = UInt64(schema.chunkLength)
        var result: [(chunk: UInt64, rows: Int)] = []
        for ordinal in 0..<Int(state.pinnedChunkCount) {
            result.append((try pinnedChunk(ordinal: ordinal, state: state, transaction), schema.chunkLength))
        }
        guard state.totalAppended > 0 else { return result }
        for chunk in state.evictionCursor...((state.totalAppended - 1) / length) {
            result.append((chunk, Int(min(length, state.totalAppended - chunk * length))))
        }
        return result
    }

    /// Whether the transition at global index `index` is live in `state`.
    private func isLive(_ index: UInt64, _ state: StoreState, _ transaction: LMDBTransaction) throws -> Bool {
        guard index < state.totalAppended else { return false }
        let chunk = index / UInt64(schema.chunkLength)
        if chunk >= state.evictionCursor { return true }
        for ordinal in 0..<Int(state.pinnedChunkCount) where try pinnedChunk(ordinal: ordinal, state: state, transaction) == chunk {
            return true
        }
        return false
    }

    // MARK: Gaining priorities

    /// The store's priority state, first adding priorities to a store that has none (in `transaction`,
    /// a write transaction): every live transition at priority 1, flagged when it is a demonstration.
    private func ensurePriorities(_ transaction: LMDBTransaction) throws -> PriorityState {
        if let existing = try readPriorityState(transaction) {
            if prioritiesDatabase == nil { prioritiesDatabase = try Self.openPrioritiesDatabase(environment, transaction) }
            _ = try requirePrioritiesDatabase()
            return existing
        }
        let database = try environment.openDatabase(named: Self.prioritiesDatabaseName, in: transaction, create: true)
        priorityLogDatabase = try environment.openDatabase(named: Self.priorityLogDatabaseName, in: transaction, create: true)
        let state = try readState(transaction)
        let priorities = PriorityState()
        let decoded = DecodedChunk(capacity: schema.chunkLength, layout: codec.layout)
        var rows = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize, reservingCapacity: schema.chunkLength)
        for (chunk, count) in try liveChunks(state, transaction) {
            var demonstrations = [Bool](repeating: false, count: count)
            guard let record = try transaction.get(chunks, key: chunk) else {
                throw ReplayStoreError.corruptChunk(chunk: chunk, firstTransition: chunk * UInt64(schema.chunkLength), reason: "the record is missing")
            }
            // Only a chunk holding a demonstration is pinned; decode just those to flag their rows.
            if try ChunkRecordHeader.read(record, chunkIndex: chunk, chunkLength: schema.chunkLength).isPinned {
                try codec.decode(record, chunkIndex: chunk, into: decoded)
                rows.removeAll()
                decoded.appendRows(0..<min(decoded.rowCount, count), to: &rows)
                for row in 0..<rows.count { demonstrations[row] = rows.sources[row] == .demonstration }
            }
            let value = PriorityRecord(priorities: [Float](repeating: priorities.maximumPriority, count: count), demonstrations: demonstrations)
            try value.bytes.withUnsafeBytes { try transaction.put(database, key: chunk, value: $0) }
        }
        try writePriorityState(priorities, transaction)
        prioritiesDatabase = database  // valid once this transaction commits; a failed one is retried from here
        return priorities
    }

    /// Adds priorities to a store that has none (see `ensurePriorities`); nothing when it has them.
    /// Sampling by priority and `updatePriorities` do this themselves on first use.
    public func addPriorities() throws {
        guard options.access == .readWrite else { throw ReplayStoreError.readOnly(path: path) }
        try writeResettingPriorityHandles { transaction in _ = try ensurePriorities(transaction) }
    }

    /// A write transaction; when it fails, the priority database handles it may have opened are forgotten
    /// (LMDB closes a handle opened in an aborted transaction) and opened again on next use.
    private func writeResettingPriorityHandles<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        let hadHandles = (prioritiesDatabase != nil, priorityLogDatabase != nil)
        do {
            return try environment.write(body)
        } catch {
            if !hadHandles.0 { prioritiesDatabase = nil }
            if !hadHandles.1 { priorityLogDatabase = nil }
            throw error
        }
    }

    /// The log, created in `transaction` (a write transaction) when this store has none yet (one that
    /// gained priorities before the log existed).
    private func requirePriorityLogDatabase(_ transaction: LMDBTransaction) throws -> LMDBDatabase {
        if let priorityLogDatabase { return priorityLogDatabase }
        let log = try environment.openDatabase(named: Self.priorityLogDatabaseName, in: transaction, create: true)
        priorityLogDatabase = log
        return log
    }

    // MARK: Folding the log

    /// Folds the priority log into the chunk records and empties it (in `transaction`, a write
    /// transaction), setting `state.loggedRows` to 0. Stored priorities do not change, so neither does the
    /// generation: a reader's tree of this generation stays valid.
    private func foldPriorityLog(_ state: inout PriorityState, _ transaction: LMDBTransaction) throws {
        let log = try requirePriorityLogDatabase(transaction)
        let store = try readState(transaction)
        let length = UInt64(schema.chunkLength)
        if store.totalAppended > 0 {
            // The records of the chunks the log touches, loaded once each: the chunks from the eviction cursor
            // on by their offset from it, pinned ones below it by key. Evicted chunks' rows are skipped.
            let first = store.evictionCursor, newest = (store.totalAppended - 1) / length
            var window = [PriorityRecord?](repeating: nil, count: Int(newest - first + 1))
            var pinnedRecords: [UInt64: PriorityRecord] = [:]
            var pinnedChunks = Set<UInt64>()
            for ordinal in 0..<Int(store.pinnedChunkCount) { pinnedChunks.insert(try pinnedChunk(ordinal: ordinal, state: store, transaction)) }
            let maximum = state.maximumPriority
            func load(_ chunk: UInt64) throws -> PriorityRecord {
                try priorityRecord(chunk: chunk, rows: Int(min(length, store.totalAppended - chunk * length)), maximum: maximum, transaction)
            }
            try forEachLoggedPriority(state, transaction) { index, priority in
                let chunk = index / length, row = Int(index % length)
                if chunk >= first && chunk <= newest {
                    let slot = Int(chunk - first)
                    if window[slot] == nil { window[slot] = try load(chunk) }
                    if row < window[slot]!.priorities.count { window[slot]!.priorities[row] = priority }
                } else if pinnedChunks.contains(chunk) {
                    if pinnedRecords[chunk] == nil { pinnedRecords[chunk] = try load(chunk) }
                    if row < pinnedRecords[chunk]!.priorities.count { pinnedRecords[chunk]!.priorities[row] = priority }
                }
            }
            for chunk in pinnedRecords.keys.sorted() { try putPriorityRecord(pinnedRecords[chunk]!, chunk: chunk, transaction) }
            for (slot, record) in window.enumerated() {
                if let record { try putPriorityRecord(record, chunk: first + UInt64(slot), transaction) }
            }
        }
        try transaction.empty(log)
        state.loggedRows = 0
    }

    /// Folds the priority log into the chunk records in one write transaction, if it holds any rows (what
    /// closing a store opened for writing does). Stored priorities stay as they are.
    public func foldPriorityLogIfAny() throws {
        guard options.access == .readWrite else { throw ReplayStoreError.readOnly(path: path) }
        guard let state = try readSession.withSnapshot({ try readPriorityState($0) }), state.loggedRows > 0 else { return }
        try writeResettingPriorityHandles { transaction in
            guard var state = try readPriorityState(transaction), state.loggedRows > 0 else { return }
            _ = try ensurePriorities(transaction)
            try foldPriorityLog(&state, transaction)
            try writePriorityState(state, transaction)
        }
    }

    /// Rows in the priority log of the latest commit (0 when the store keeps no priorities).
    public func loggedPriorityRows() throws -> Int {
        try readSession.withSnapshot { Int(try readPriorityState($0)?.loggedRows ?? 0) }
    }

    // MARK: Updating

    /// Sets the stored priority of transition `indices[k]` (a global index, as `samplePrioritized` returns)
    /// to `priorities[k]`, in one write transaction that appends one record to the priority log (and folds
    /// the log when it reached `StoreOptions.priorityLogFoldRows` rows): durable when this returns (with the
    /// store's `Durability`), and on any error nothing changed. Each priority must be finite and ≥ 0 (it is |δ|;
    /// ε is added when sampling), each index live. An index given twice takes its last priority. The
    /// maximum priority, which new transitions receive, grows to the largest priority ever set.
    public func updatePriorities(indices: [UInt64], priorities: [Float]) throws {
        guard options.access == .readWrite else { throw ReplayStoreError.readOnly(path: path) }
        guard indices.count == priorities.count else {
            throw ReplayStoreError.wrongSize(column: "priorities", expected: indices.count, actual: priorities.count)
        }
        for (position, priority) in priorities.enumerated() where !(priority.isFinite && priority >= 0) {
            throw ReplayStoreError.invalidPriority(position: position, index: indices[position], value: priority)
        }
        guard !indices.isEmpty else { return }
        let record = PriorityLogRecord(indices: indices, priorities: priorities).bytes
        let (before, after): (UInt64?, PriorityState) = try writeResettingPriorityHandles { transaction in
            pendingPriorityChanges.removeAll()
            let hadPriorities = try readPriorityState(transaction) != nil
            var priorityState = try ensurePriorities(transaction)
            let state = try readState(transaction)
            for (position, index) in indices.enumerated() {
                guard try isLive(index, state, transaction) else {
                    throw ReplayStoreError.notLive(position: position, index: index, appended: state.totalAppended)
                }
                priorityState.maximumPriority = max(priorityState.maximumPriority, priorities[position])
            }
            pendingPriorityChanges.append(.priorities(indices: indices, priorities: priorities))
            let before = hadPriorities ? priorityState.generation : nil
            priorityState.generation += 1
            try record.withUnsafeBytes {
                try transaction.put(try requirePriorityLogDatabase(transaction), key: priorityState.generation, value: $0)
            }
            priorityState.loggedRows += UInt64(indices.count)
            if priorityState.loggedRows >= UInt64(options.priorityLogFoldRows) { try foldPriorityLog(&priorityState, transaction) }
            try writePriorityState(priorityState, transaction)
            return (before, priorityState)
        }
        applyCommittedPriorityChanges(generationBefore: before, after: after)
    }

    // MARK: Sampling

    /// Fills `batch` with `batchSize` transitions drawn independently, with replacement, with probability
    /// q_i / Σ_j q_j over the live transitions of the latest commit, q_i = (p_i + ε + b_i)^α (see
    /// `PrioritySettings`), and `sample` with each row's global index and importance weight
    /// (q_i / min_j q_j)^−β, which equals (N·P(i))^−β / max_j (N·P(j))^−β. A store opened for writing that
    /// keeps no priorities gains them first (every live transition at priority 1).
    ///
    /// Each draw descends a sum tree (O(log N)); the minimum comes from a min tree. Settings out of range
    /// are refused (`invalidPrioritySetting`) before anything is read.
    public func samplePrioritized(batchSize: Int, settings: PrioritySettings, using generator: inout SeededGenerator,
                                  into batch: inout TransitionBatch, sample: inout PrioritizedSample) throws {
        if let problem = settings.problem { throw ReplayStoreError.invalidPrioritySetting(problem) }
        try prepare(&batch, rows: batchSize, name: "batchSize")
        if sample.indices.count != batchSize || sample.weights.count != batchSize { sample = PrioritizedSample(count: batchSize) }
        let exponent = -settings.beta
        try withPriorityIndex(settings: settings) { transaction, _, index in
            let total = index.tree.total, minimum = index.tree.minimum
            try batch.withUnsafeMutableColumns { columns in
                for slot in 0..<batchSize {
                    let leaf = index.tree.leaf(atMass: generator.nextUnitDouble() * total)
                    let (chunk, row) = index.location(ofLeaf: leaf)
                    try copyTransition(chunk: chunk, row: row, into: columns, at: slot, transaction)
                    sample.indices[slot] = chunk &* UInt64(schema.chunkLength) &+ UInt64(row)
                    sample.weights[slot] = Float(pow(index.tree.value(leaf) / minimum, exponent))
                }
            }
        }
    }

    /// `body` in a snapshot of the latest commit with its store state and this process's priority index for
    /// it (see `currentIndex`), which holds at least one live transition of positive mass. A store opened for
    /// writing that keeps no priorities gains them first; one opened read-only throws `noPriorities`.
    func withPriorityIndex<T>(settings: PrioritySettings, _ body: (LMDBTransaction, StoreState, PriorityIndex) throws -> T) throws -> T {
        if prioritiesDatabase == nil {
            if options.access == .readWrite, try !keepsPriorities() {
                try writeResettingPriorityHandles { transaction in _ = try ensurePriorities(transaction) }
            }
        }
        return try withPrioritySnapshot { transaction in
            let state = try readState(transaction)
            guard let priorities = try readPriorityState(transaction), prioritiesDatabase != nil else {
                throw ReplayStoreError.noPriorities(path: path)
            }
            let index = try currentIndex(settings: settings, state: state, priorities: priorities, transaction)
            guard index.liveCount > 0, index.tree.total > 0 else { throw ReplayStoreError.empty(path: path) }
            return try body(transaction, state, index)
        }
    }

    /// This process's index for the snapshot `transaction` reads: the one it has when its generation is the
    /// snapshot's (recomputed if α, ε or the bonus changed), or one rebuilt from the stored priorities.
    private func currentIndex(settings: PrioritySettings, state: StoreState, priorities: PriorityState,
                              _ transaction: LMDBTransaction) throws -> PriorityIndex {
        if let index = priorityIndex, index.generation == priorities.generation {
            if !index.matches(settings) { index.recompute(with: settings) }
            return index
        }
        let index = try rebuildPriorityIndex(settings: settings, state: state, priorities: priorities, transaction)
        priorityIndex = index
        return index
    }

    /// A new index of every live transition's stored priority in `transaction`'s snapshot: O(N) reads of
    /// 5 bytes per transition, the log's rows replayed in order, and one bottom-up pass over the trees.
    private func rebuildPriorityIndex(settings: PrioritySettings, state: StoreState, priorities: PriorityState,
                                      _ transaction: LMDBTransaction) throws -> PriorityIndex {
        let live = state.liveCount(chunkLength: schema.chunkLength)
        let index = PriorityIndex(chunkLength: schema.chunkLength, settings: settings, generation: priorities.generation,
                                  maximumPriority: priorities.maximumPriority, expectedLeaves: max(live, schema.capacity) + schema.chunkLength)
        for (chunk, rows) in try liveChunks(state, transaction) {
            let record = try priorityRecord(chunk: chunk, rows: rows, maximum: priorities.maximumPriority, transaction)
            index.setRows(chunk: chunk, first: 0, priorities: record.priorities, demonstrations: record.demonstrations, propagating: false)
        }
        let length = UInt64(schema.chunkLength)
        try forEachLoggedPriority(priorities, transaction) { globalIndex, priority in
            index.set(chunk: globalIndex / length, row: Int(globalIndex % length), priority: priority, propagating: false)
        }
        index.rebuildInnerNodes()
        return index
    }

    /// The stored priority of every live transition of the latest commit, by global index, with its
    /// demonstration flag: what the tree is built from (for audits and tests). Nil when the store keeps none.
    public func storedPriorities() throws -> [UInt64: (priority: Float, demonstration: Bool)]? {
        try withPrioritySnapshot { transaction in
            guard let priorities = try readPriorityState(transaction) else { return nil }
            _ = try requirePrioritiesDatabase()
            let state = try readState(transaction)
            var result: [UInt64: (priority: Float, demonstration: Bool)] = [:]
            for (chunk, rows) in try liveChunks(state, transaction) {
                let record = try priorityRecord(chunk: chunk, rows: rows, maximum: priorities.maximumPriority, transaction)
                for row in 0..<rows {
                    result[chunk * UInt64(schema.chunkLength) + UInt64(row)] = (record.priorities[row], record.demonstrations[row])
                }
            }
            try forEachLoggedPriority(priorities, transaction) { index, priority in
                if let entry = result[index] { result[index] = (priority, entry.demonstration) }
            }
            return result
        }
    }

    /// The maximum priority new transitions receive; nil when the store keeps no priorities.
    public func maximumPriority() throws -> Float? {
        try readSession.withSnapshot { try readPriorityState($0)?.maximumPriority }
    }

    /// Rebuilds this process's priority index from the stored priorities of the latest commit and returns
    /// the seconds it took (what every process does once before its first prioritized sample): for the
    /// benchmark of the rebuild after open.
    public func rebuildPriorityIndex(settings: PrioritySettings = PrioritySettings()) throws -> Double {
        if let problem = settings.problem { throw ReplayStoreError.invalidPrioritySetting(problem) }
        let start = ContinuousClock.now
        try withPrioritySnapshot { transaction in
            guard let priorities = try readPriorityState(transaction) else { throw ReplayStoreError.noPriorities(path: path) }
            _ = try requirePrioritiesDatabase()
            let state = try readState(transaction)
            priorityIndex = try rebuildPriorityIndex(settings: settings, state: state, priorities: priorities, transaction)
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
