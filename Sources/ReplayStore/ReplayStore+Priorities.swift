import Foundation
import Randomness
import Transitions

/// Prioritized experience replay (Schaul et al. 2016), kept in the store.
///
/// **On disk.** A store that keeps priorities has a `priorities` record in `meta` (`PriorityState`: the
/// maximum priority and a generation counter) and a `priorities` database mapping each live chunk's key to
/// its rows' stored priorities and demonstration flags (`PriorityRecord`). Every append writes the new
/// rows' priorities (the maximum priority) in its own transaction, eviction deletes an evicted chunk's
/// record in its own, and `updatePriorities` is one write transaction: priorities are committed with the
/// same guarantees as transitions.
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

    /// The `priorities` database when it exists in this snapshot, nil otherwise.
    static func openPrioritiesDatabase(_ environment: LMDBEnvironment, _ transaction: LMDBTransaction) throws -> LMDBDatabase? {
        do {
            return try environment.openDatabase(named: prioritiesDatabaseName, in: transaction, create: false)
        } catch let ReplayStoreError.lmdb(_, code, _) where code == LMDBReturnCode.notFound.rawValue {
            return nil
        }
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
        try environment.write { transaction in _ = try ensurePriorities(transaction) }
    }

    // MARK: Updating

    /// Sets the stored priority of transition `indices[k]` (a global index, as `samplePrioritized` returns)
    /// to `priorities[k]`, in one write transaction: durable when this returns (with the store's
    /// `Durability`), and on any error nothing changed. Each priority must be finite and ≥ 0 (it is |δ|;
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
        let length = UInt64(schema.chunkLength)
        let (before, after): (UInt64?, PriorityState) = try environment.write { transaction in
            pendingPriorityChanges.removeAll()
            let hadPriorities = try readPriorityState(transaction) != nil
            var priorityState = try ensurePriorities(transaction)
            let state = try readState(transaction)
            var records: [UInt64: PriorityRecord] = [:]
            var order: [UInt64] = []
            for (position, index) in indices.enumerated() {
                guard try isLive(index, state, transaction) else {
                    throw ReplayStoreError.notLive(position: position, index: index, appended: state.totalAppended)
                }
                let chunk = index / length, row = Int(index % length)
                if records[chunk] == nil {
                    let rows = Int(min(length, state.totalAppended - chunk * length))
                    records[chunk] = try priorityRecord(chunk: chunk, rows: rows, maximum: priorityState.maximumPriority, transaction)
                    order.append(chunk)
                }
                records[chunk]!.priorities[row] = priorities[position]
                pendingPriorityChanges.append(.priority(chunk: chunk, row: row, priority: priorities[position]))
                priorityState.maximumPriority = max(priorityState.maximumPriority, priorities[position])
            }
            for chunk in order { try putPriorityRecord(records[chunk]!, chunk: chunk, transaction) }
            let before = hadPriorities ? priorityState.generation : nil
            priorityState.generation += 1
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
        if prioritiesDatabase == nil {
            if options.access == .readWrite {
                try environment.write { transaction in _ = try ensurePriorities(transaction) }
            } else {
                prioritiesDatabase = try environment.read { try Self.openPrioritiesDatabase(environment, $0) }
            }
        }
        let exponent = -settings.beta
        try readSession.withSnapshot { transaction in
            let state = try readState(transaction)
            guard let priorities = try readPriorityState(transaction), prioritiesDatabase != nil else {
                throw ReplayStoreError.noPriorities(path: path)
            }
            let index = try currentIndex(settings: settings, state: state, priorities: priorities, transaction)
            let total = index.tree.total, minimum = index.tree.minimum
            guard index.liveCount > 0, total > 0 else { throw ReplayStoreError.empty(path: path) }
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
    /// 5 bytes per transition and one bottom-up pass over the trees.
    private func rebuildPriorityIndex(settings: PrioritySettings, state: StoreState, priorities: PriorityState,
                                      _ transaction: LMDBTransaction) throws -> PriorityIndex {
        let live = state.liveCount(chunkLength: schema.chunkLength)
        let index = PriorityIndex(chunkLength: schema.chunkLength, settings: settings, generation: priorities.generation,
                                  maximumPriority: priorities.maximumPriority, expectedLeaves: max(live, schema.capacity) + schema.chunkLength)
        for (chunk, rows) in try liveChunks(state, transaction) {
            let record = try priorityRecord(chunk: chunk, rows: rows, maximum: priorities.maximumPriority, transaction)
            index.setRows(chunk: chunk, first: 0, priorities: record.priorities, demonstrations: record.demonstrations, propagating: false)
        }
        index.rebuildInnerNodes()
        return index
    }

    /// The stored priority of every live transition of the latest commit, by global index, with its
    /// demonstration flag: what the tree is built from (for audits and tests). Nil when the store keeps none.
    public func storedPriorities() throws -> [UInt64: (priority: Float, demonstration: Bool)]? {
        try readSession.withSnapshot { transaction in
            guard let priorities = try readPriorityState(transaction) else { return nil }
            if prioritiesDatabase == nil { prioritiesDatabase = try Self.openPrioritiesDatabase(environment, transaction) }
            let state = try readState(transaction)
            var result: [UInt64: (priority: Float, demonstration: Bool)] = [:]
            for (chunk, rows) in try liveChunks(state, transaction) {
                let record = try priorityRecord(chunk: chunk, rows: rows, maximum: priorities.maximumPriority, transaction)
                for row in 0..<rows {
                    result[chunk * UInt64(schema.chunkLength) + UInt64(row)] = (record.priorities[row], record.demonstrations[row])
                }
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
        try readSession.withSnapshot { transaction in
            guard let priorities = try readPriorityState(transaction) else { throw ReplayStoreError.noPriorities(path: path) }
            if prioritiesDatabase == nil { prioritiesDatabase = try Self.openPrioritiesDatabase(environment, transaction) }
            let state = try readState(transaction)
            priorityIndex = try rebuildPriorityIndex(settings: settings, state: state, priorities: priorities, transaction)
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
