import Transitions

extension ReplayStore {
    /// Decodes every live chunk (one read snapshot) and counts what it holds.
    public func statistics() throws -> StoreStatistics {
        try environment.read { transaction in
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

    /// Checks one read snapshot of the whole store: the state record, that exactly the live chunks are
    /// present with consistent headers, that every frame decodes with a matching checksum and size, and
    /// that the stored-bytes total adds up. With `expected`, also that every live transition equals
    /// `expected`'s transition at its global index. Stops at the first problem and names its chunk.
    /// `progress` is called after each chunk with (chunks checked, live chunks).
    public func verify(expected: SyntheticTransitions? = nil, progress: ((Int, Int) -> Void)? = nil) throws -> VerificationReport {
        try environment.read { transaction in
            let state = try readState(transaction)
            let length = UInt64(schema.chunkLength)
            var report = VerificationReport(chunksChecked: 0, transitionsChecked: 0, firstProblem: nil)
            let totalChunks = (state.totalAppended + length - 1) / length
            let liveChunks = state.liveChunkCount(chunkLength: schema.chunkLength)
            let cursorLimit = totalChunks > 0 ? totalChunks - 1 : 0
            guard state.evictionCursor <= cursorLimit else {
                report.firstProblem = "state: eviction cursor \(state.evictionCursor) is past the newest chunk \(cursorLimit)"
                return report
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
            let liveKeys = pinnedBelowCursor.sorted() + Array(state.evictionCursor..<max(state.evictionCursor, totalChunks))
            var nextLive = 0
            try transaction.forEach(chunks) { chunkIndex, record in
                let first = chunkIndex * length
                if nextLive < liveKeys.count && liveKeys[nextLive] < chunkIndex {
                    let missing = liveKeys[nextLive]
                    report.firstProblem = "chunk \(missing) (transitions \(missing * length)..<\((missing + 1) * length)): live but missing"
                    return false
                }
                nextLive += 1
                func problem(_ reason: String) -> Bool {
                    report.firstProblem = "chunk \(chunkIndex) (transitions \(first)..<\(first + length)): \(reason)"
                    return false
                }
                let isLive = chunkIndex < totalChunks && (chunkIndex >= state.evictionCursor || pinnedBelowCursor.contains(chunkIndex))
                guard isLive else { return problem("present but not live (evicted or beyond the appended count \(state.totalAppended))") }
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
                let missing = liveKeys[min(report.chunksChecked, liveKeys.count - 1)]
                report.firstProblem = "chunk \(missing) (transitions \(missing * length)..<\((missing + 1) * length)): live but missing"
            } else if storedBytes != state.storedBytes {
                report.firstProblem = "chunk records take \(storedBytes) bytes, the state records \(state.storedBytes)"
            }
            return report
        }
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
