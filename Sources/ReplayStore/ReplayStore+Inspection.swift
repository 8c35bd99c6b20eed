import Transitions

extension ReplayStore {
    /// Decodes every live chunk (one read snapshot) and counts what it holds. The pages are audited
    /// first (`LMDBPageAudit`), so damaged B-tree pages are an error rather than a crash inside LMDB.
    public func statistics() throws -> StoreStatistics {
        try environment.read { transaction in
            if let problem = try LMDBPageAudit(directory: path).audit(transactionID: transaction.id) {
                throw ReplayStoreError.corruptStore(reason: "B-tree damaged: \(problem); run `replay verify`")
            }
            let state = try readState(transaction)
            let chunk = DecodedChunk(capacity: schema.chunkLength, layout: codec.layout)
            var episodes = Set<UInt64>()
            var chunkCount = 0
            try transaction.forEach(chunks) { chunkIndex, record in
                try codec.decode(record, chunkIndex: chunkIndex, into: chunk)
                for row in 0..<chunk.rowCount { episodes.insert(chunk.episodeID(row)) }
                chunkCount += 1
                return true
            }
            let live = state.liveCount(chunkLength: schema.chunkLength)
            let raw = live * schema.rawBytesPerTransition
            return StoreStatistics(
                transitions: live, appendedTransitions: Int(state.totalAppended), episodes: episodes.count, chunks: chunkCount,
                pinnedChunks: Int(state.pinnedChunkCount), storedBytes: Int(state.storedBytes), rawBytes: raw,
                compressionRatio: state.storedBytes > 0 ? Double(raw) / Double(state.storedBytes) : 0,
                fileBytes: environment.dataFileSize(directory: path), schema: schema)
        }
    }

    /// Checks one read snapshot of the whole store: first the pages of data.mdb read directly from the
    /// file (`LMDBPageAudit`: every page is in exactly one B-tree or free, and every page, node, key
    /// order and count is sound), then every B-tree through LMDB (each key searched from the root, each
    /// entry count compared with what LMDB recorded), then the state record, that exactly the live chunks are present with consistent
    /// headers, that every frame decodes with a matching checksum and size, and that the stored-bytes
    /// total adds up. With `expected`, also that every live transition equals `expected`'s transition at
    /// its global index. Stops at the first problem and names its chunk. `progress` is called after each
    /// chunk with (chunks checked, live chunks).
    ///
    /// LMDB has no page checksums: a damaged branch or leaf page may make LMDB's own assertion fail,
    /// which ends the process (see `LMDBAssertionResponse`); `offpolicy replay verify` therefore runs
    /// this in a child process.
    public func verify(expected: SyntheticTransitions? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> VerificationReport {
        do {
            return try verifySnapshot(expected: expected, progress: progress)
        } catch let error as ReplayStoreError where error.isDamagedTree {
            guard case let .lmdb(operation, _, message) = error else { throw error }
            return VerificationReport(chunksChecked: 0, transitionsChecked: 0, firstProblem: "B-tree damaged (LMDB: \(message) in \(operation))")
        }
    }

    private func verifySnapshot(expected: SyntheticTransitions?, progress: ((Int, Int) -> Void)?) throws -> VerificationReport {
        try environment.read { transaction in
            var report = VerificationReport(chunksChecked: 0, transitionsChecked: 0, firstProblem: nil)
            // The file's own pages first, without LMDB: a damaged page is named here before LMDB reads it.
            if let problem = try LMDBPageAudit(directory: path).audit(transactionID: transaction.id) {
                report.firstProblem = "B-tree damaged: \(problem)"
                return report
            }
            if let problem = try checkTrees(transaction) {
                report.firstProblem = problem
                return report
            }
            let state: StoreState
            do {
                state = try readState(transaction)
            } catch let ReplayStoreError.corruptStore(reason) {
                report.firstProblem = "state: \(reason)"
                return report
            }
            let length = UInt64(schema.chunkLength)
            // The state is validated: none of these overflow.
            let totalChunks = (state.totalAppended + length - 1) / length
            let liveChunks = state.liveChunkCount(chunkLength: schema.chunkLength)
            func describe(_ chunkIndex: UInt64) -> String {
                let (first, overflow) = chunkIndex.multipliedReportingOverflow(by: length)
                return overflow || first > UInt64.max - length ? "chunk \(chunkIndex)" : "chunk \(chunkIndex) (transitions \(first)..<\(first + length))"
            }
            var pinnedBelowCursor = Set<UInt64>()
            for ordinal in 0..<state.pinnedChunkCount {
                guard let value = try transaction.get(pinned, key: ordinal), value.count == 8 else {
                    report.firstProblem = "pinned entry \(ordinal) of \(state.pinnedChunkCount) is missing or malformed"
                    return report
                }
                let chunkIndex = UInt64(littleEndian: value.loadUnaligned(as: UInt64.self))
                guard chunkIndex < state.evictionCursor, pinnedBelowCursor.insert(chunkIndex).inserted else {
                    report.firstProblem = "pinned entry \(ordinal) names chunk \(chunkIndex), which is not a distinct chunk below the cursor"
                    return report
                }
            }
            let chunk = DecodedChunk(capacity: schema.chunkLength, layout: codec.layout)
            var expectedStream = expected
            var expectedBatch = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize,
                                                reservingCapacity: schema.chunkLength)
            var storedBytes: UInt64 = 0
            // Live chunks in key order: the pinned ones below the cursor, then cursor..<totalChunks.
            let pinnedKeys = pinnedBelowCursor.sorted()
            func liveKey(_ position: Int) -> UInt64? {
                if position < pinnedKeys.count { return pinnedKeys[position] }
                let key = state.evictionCursor + UInt64(position - pinnedKeys.count)
                return key < totalChunks ? key : nil
            }
            var nextLive = 0
            try transaction.forEach(chunks) { chunkIndex, record in
                if let missing = liveKey(nextLive), missing < chunkIndex {
                    report.firstProblem = "\(describe(missing)): live but missing"
                    return false
                }
                nextLive += 1
                func problem(_ reason: String) -> Bool {
                    report.firstProblem = "\(describe(chunkIndex)): \(reason)"
                    return false
                }
                let isLive = chunkIndex < totalChunks && (chunkIndex >= state.evictionCursor || pinnedBelowCursor.contains(chunkIndex))
                guard isLive else { return problem("present but not live (evicted or beyond the appended count \(state.totalAppended))") }
                let first = chunkIndex * length
                let expectedRows = chunkIndex == totalChunks - 1 ? Int(state.totalAppended - first) : Int(length)
                do {
                    try codec.decode(record, chunkIndex: chunkIndex, into: chunk)
                    let header = try ChunkRecordHeader.read(record, chunkIndex: chunkIndex, chunkLength: schema.chunkLength)
                    if pinnedBelowCursor.contains(chunkIndex) && !header.isPinned { return problem("listed as pinned but not marked pinned") }
                } catch let error as ReplayStoreError {
                    if case let .corruptChunk(_, _, reason) = error { return problem(reason) }
                    return problem(error.description)
                }
                guard chunk.rowCount == expectedRows else { return problem("holds \(chunk.rowCount) rows, expected \(expectedRows)") }
                storedBytes += UInt64(record.count)
                if var stream = expectedStream {
                    expectedBatch.removeAll()
                    for row in 0..<chunk.rowCount { stream.append(Int(first) + row, to: &expectedBatch) }
                    expectedStream = stream
                    var actual = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize,
                                                 reservingCapacity: chunk.rowCount)
                    chunk.appendRows(0..<chunk.rowCount, to: &actual)
                    if actual != expectedBatch {
                        let bad = (0..<chunk.rowCount).first { actual.rows($0..<($0 + 1)) != expectedBatch.rows($0..<($0 + 1)) } ?? 0
                        return problem("transition \(first + UInt64(bad)) differs from the synthetic stream with seed \(stream.seed)")
                    }
                }
                report.chunksChecked += 1
                report.transitionsChecked += chunk.rowCount
                progress?(report.chunksChecked, liveChunks)
                return true
            }
            if report.firstProblem != nil { return report }
            if report.chunksChecked != liveChunks {
                let missing = liveKey(report.chunksChecked) ?? 0
                report.firstProblem = "\(describe(missing)): live but missing"
            } else if storedBytes != state.storedBytes {
                report.firstProblem = "chunk records take \(storedBytes) bytes, the state records \(state.storedBytes)"
            }
            return report
        }
    }

    /// Walks every entry of every B-tree in the snapshot, so each branch, leaf and overflow page is
    /// reached once, searches each key from the root (a damaged branch key sends a search astray while
    /// a cursor walk still passes), and compares what it finds with LMDB's own records: the entry count
    /// of each database, and free-page lists that hold only page numbers the file has.
    /// Returns the first problem.
    private func checkTrees(_ transaction: LMDBTransaction) throws -> String? {
        let (lastPage, _) = try environment.pageBounds()
        var problem: String?
        try transaction.walk(.freePages) { key, value in
            guard problem == nil else { return }
            // Key: the freeing transaction's id; value: an MDB_IDL, a count then that many page numbers.
            guard key.count == 8, value.count >= 8, value.count % 8 == 0 else {
                problem = "LMDB's free-page list has an entry of \(key.count)-byte key and \(value.count)-byte value"
                return
            }
            let count = value.loadUnaligned(as: UInt64.self)
            guard count == UInt64(value.count / 8 - 1) else {
                problem = "LMDB's free-page list has an entry counting \(count) pages in \(value.count) bytes"
                return
            }
            for position in 1..<(value.count / 8) {
                let page = value.loadUnaligned(fromByteOffset: position * 8, as: UInt64.self)
                if page < 2 || page > lastPage {
                    problem = "LMDB's free-page list names page \(page), outside the file's pages 2...\(lastPage)"
                    return
                }
            }
            if try !transaction.lookupFinds(.freePages, key: key, value: value) {
                problem = "searching LMDB's free-page list for transaction \(key.loadUnaligned(as: UInt64.self)) does not find its entry"
            }
        }
        if let problem { return "B-tree damaged: \(problem)" }
        var databases = [("main", LMDBDatabase.main), ("meta", meta), ("chunks", chunks), ("pinned", pinned)]
        if let priorities = try Self.openPrioritiesDatabase(environment, transaction) { databases.append(("priorities", priorities)) }
        if let log = try Self.openPriorityLogDatabase(environment, transaction) { databases.append(("priority-log", log)) }
        for (name, database) in databases {
            let walked = try transaction.walk(database) { key, value in
                guard problem == nil else { return }
                if try !transaction.lookupFinds(database, key: key, value: value) {
                    let shown = key.count == 8 ? "\(UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)))" : "'\(String(decoding: key, as: UTF8.self))'"
                    problem = "searching the \(name) database for key \(shown) does not find its entry (a damaged branch page)"
                }
            }
            if let problem { return "B-tree damaged: \(problem)" }
            let recorded = try transaction.entryCount(database)
            if walked != recorded {
                return "B-tree damaged: the \(name) database holds \(walked) entries, LMDB's record of it says \(recorded)"
            }
        }
        return nil
    }
}

extension ReplayStore {
    /// The stored record (header + frame) of chunk `chunkIndex`, copied out; nil when absent.
    func rawRecord(ofChunk chunkIndex: UInt64) throws -> [UInt8]? {
        try environment.read { transaction in try transaction.get(chunks, key: chunkIndex).map { Array($0) } }
    }

    /// This process's current LMDB map size in bytes.
    var mapSizeBytes: Int { environment.mapSize }
}
