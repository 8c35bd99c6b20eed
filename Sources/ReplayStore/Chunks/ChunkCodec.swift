import Transitions

/// Encodes rows of a `TransitionBatch` into a chunk record (header + one zstd frame) and decodes
/// records back into `DecodedChunk`s. Holds the zstd contexts and scratch memory, so encoding and
/// decoding allocate nothing once warm. The payload layout is documented in the README.
final class ChunkCodec {
    let schema: StoreSchema
    private let compressor: ZstdCompressor
    private let decompressor: ZstdDecompressor
    /// Decompressed payload of one chunk (largest possible size).
    private let payload: UnsafeMutableRawBufferPointer
    /// Header + compressed frame of one chunk.
    private let record: UnsafeMutableRawBufferPointer
    /// Next observations that must be stored explicitly, gathered contiguously.
    private let storedNext: UnsafeMutablePointer<Float>
    private let rowFlags: UnsafeMutablePointer<UInt8>
    /// Columns of the chunk being decoded, before they are interleaved into rows.
    private let columns: ChunkColumns
    let layout: RowLayout
    /// The largest record `encode` can produce; a longer value read from the file is damage.
    let maximumRecordBytes: Int

    static let terminatedBit: UInt8 = 1
    static let truncatedBit: UInt8 = 2
    static let nextObservationStoredBit: UInt8 = 4

    init(schema: StoreSchema) throws {
        self.schema = schema
        compressor = try ZstdCompressor(level: schema.compressionLevel)
        decompressor = try ZstdDecompressor()
        let maxPayload = ChunkCodec.payloadSize(schema: schema, rows: schema.chunkLength, storedNext: schema.chunkLength)
        payload = .allocate(byteCount: maxPayload, alignment: 16)
        maximumRecordBytes = ChunkRecordHeader.size + ZstdCompressor.bound(maxPayload)
        record = .allocate(byteCount: maximumRecordBytes, alignment: 16)
        storedNext = .allocate(capacity: schema.chunkLength * schema.observationSize)
        rowFlags = .allocate(capacity: schema.chunkLength)
        layout = RowLayout(observationSize: schema.observationSize, actionSize: schema.actionSize)
        columns = ChunkColumns(capacity: schema.chunkLength, observationSize: schema.observationSize, actionSize: schema.actionSize)
    }

    deinit {
        payload.deallocate(); record.deallocate(); storedNext.deallocate(); rowFlags.deallocate()
    }

    /// Size of the decompressed payload of a chunk with `rows` rows, `storedNext` of which carry an explicit next observation.
    static func payloadSize(schema: StoreSchema, rows: Int, storedNext: Int) -> Int {
        rows * (1 + 1 + 8 + 4 + 4 + 4 + 4 * schema.observationSize + 4 * schema.actionSize) + storedNext * 4 * schema.observationSize
    }

    /// Encodes `rows` of `batch` as the chunk starting at global transition `firstTransition`.
    /// The returned bytes live in scratch memory, valid until the next call.
    func encode(_ batch: TransitionBatch, rows: Range<Int>, firstTransition: UInt64, pinsDemonstrations: Bool) throws -> UnsafeRawBufferPointer {
        let n = rows.count, o = schema.observationSize, a = schema.actionSize, start = rows.lowerBound
        precondition(n > 0 && n <= schema.chunkLength)
        let filter = schema.columnFilter
        var storedCount = 0
        var isPinned = false

        // Flags, and which next observations are implied by the following row's observation.
        batch.observations.withUnsafeBufferPointer { observations in
            batch.nextObservations.withUnsafeBufferPointer { nextObservations in
                for r in 0..<n {
                    let i = start + r
                    var flags: UInt8 = 0
                    if batch.terminated[i] { flags |= ChunkCodec.terminatedBit }
                    if batch.truncated[i] { flags |= ChunkCodec.truncatedBit }
                    var implied = false
                    if r + 1 < n && batch.episodeIDs[i + 1] == batch.episodeIDs[i] && batch.stepIndices[i + 1] == batch.stepIndices[i] &+ 1 {
                        implied = true
                        let next = nextObservations.baseAddress! + i * o, following = observations.baseAddress! + (i + 1) * o
                        for k in 0..<o where next[k].bitPattern != following[k].bitPattern { implied = false; break }
                    }
                    if !implied {
                        flags |= ChunkCodec.nextObservationStoredBit
                        (storedNext + storedCount * o).update(from: nextObservations.baseAddress! + i * o, count: o)
                        storedCount += 1
                    }
                    rowFlags[r] = flags
                    if batch.sources[i] == .demonstration && pinsDemonstrations { isPinned = true }
                }
            }
        }

        // Columns, in payload order.
        let base = payload.baseAddress!
        var offset = 0
        (base + offset).copyMemory(from: rowFlags, byteCount: n); offset += n
        for r in 0..<n { base.storeBytes(of: batch.sources[start + r].rawValue, toByteOffset: offset + r, as: UInt8.self) }
        offset += n
        batch.episodeIDs.withUnsafeBufferPointer {
            ColumnFilterCoding.encode($0.baseAddress! + start, count: n, stride: 1, filter: filter, into: base + offset)
        }
        offset += 8 * n
        batch.stepIndices.withUnsafeBufferPointer {
            ColumnFilterCoding.encode($0.baseAddress! + start, count: n, stride: 1, filter: filter, into: base + offset)
        }
        offset += 4 * n
        func floats(_ column: [Float], from first: Int, count: Int, stride: Int) {
            column.withUnsafeBufferPointer { buffer in
                (buffer.baseAddress! + first).withMemoryRebound(to: UInt32.self, capacity: count) {
                    ColumnFilterCoding.encode($0, count: count, stride: stride, filter: filter, into: base + offset)
                }
            }
            offset += 4 * count
        }
        floats(batch.rewards, from: start, count: n, stride: 1)
        floats(batch.behaviorLogProbabilities, from: start, count: n, stride: 1)
        floats(batch.observations, from: start * o, count: n * o, stride: o)
        floats(batch.actions, from: start * a, count: n * a, stride: a)
        UnsafeMutableRawPointer(storedNext).withMemoryRebound(to: UInt32.self, capacity: storedCount * o) {
            ColumnFilterCoding.encode($0, count: storedCount * o, stride: o, filter: filter, into: base + offset)
        }
        offset += 4 * storedCount * o
        assert(offset == ChunkCodec.payloadSize(schema: schema, rows: n, storedNext: storedCount))

        let frameSize = try compressor.compress(
            UnsafeRawBufferPointer(start: base, count: offset),
            into: UnsafeMutableRawBufferPointer(rebasing: record[ChunkRecordHeader.size...]))
        ChunkRecordHeader(rowCount: n, storedNextObservationCount: storedCount, isPinned: isPinned,
                          firstTransition: firstTransition, payloadSize: offset).write(to: record.baseAddress!)
        return UnsafeRawBufferPointer(start: record.baseAddress, count: ChunkRecordHeader.size + frameSize)
    }

    /// Decodes the record of chunk `chunkIndex` into `chunk`. Throws `corruptChunk` naming the chunk
    /// when the header, the frame, its checksum or its size do not fit the schema.
    func decode(_ recordBytes: UnsafeRawBufferPointer, chunkIndex: UInt64, into decoded: DecodedChunk) throws {
        decoded.chunkIndex = .max
        decoded.rowCount = 0
        decoded.rowCount = try decode(recordBytes, chunkIndex: chunkIndex, intoRows: decoded.rows)
        decoded.chunkIndex = chunkIndex
    }

    /// Decodes a record into row-major rows (`layout`) at `rows`; returns the row count.
    func decode(_ recordBytes: UnsafeRawBufferPointer, chunkIndex: UInt64, intoRows rows: UnsafeMutableRawPointer) throws -> Int {
        columns.chunkIndex = .max
        let count = try decodePayload(recordBytes, chunkIndex: chunkIndex)
        layout.interleave(columns, rowCount: count, into: rows)
        return count
    }

    /// The codec's columns if they currently hold chunk `chunkIndex`.
    @inline(__always)
    func columnsHolding(_ chunkIndex: UInt64) -> ChunkColumns? {
        columns.chunkIndex == chunkIndex ? columns : nil
    }

    /// Decodes a record into the codec's own columns (no interleaving): the cheapest path when one
    /// row of the chunk is wanted. The columns stay valid until the next decode.
    func decodeColumns(_ recordBytes: UnsafeRawBufferPointer, chunkIndex: UInt64) throws -> ChunkColumns {
        columns.chunkIndex = .max
        columns.rowCount = 0
        let count = try decodePayload(recordBytes, chunkIndex: chunkIndex)
        columns.rowCount = count
        columns.chunkIndex = chunkIndex
        return columns
    }

    /// Decodes a record into `columns`; returns its row count.
    private func decodePayload(_ recordBytes: UnsafeRawBufferPointer, chunkIndex: UInt64) throws -> Int {
        columns.chunkIndex = .max
        let chunk = columns
        let firstTransition = chunkIndex &* UInt64(schema.chunkLength)
        func corrupt(_ reason: String) -> ReplayStoreError {
            .corruptChunk(chunk: chunkIndex, firstTransition: firstTransition, reason: reason)
        }
        guard recordBytes.count <= maximumRecordBytes else {
            throw corrupt("record of \(recordBytes.count) bytes is longer than any chunk of this schema (\(maximumRecordBytes))")
        }
        let header = try ChunkRecordHeader.read(recordBytes, chunkIndex: chunkIndex, chunkLength: schema.chunkLength)
        let n = header.rowCount, m = header.storedNextObservationCount, o = schema.observationSize, a = schema.actionSize
        guard (1...schema.chunkLength).contains(n) else { throw corrupt("\(n) rows; the schema allows 1...\(schema.chunkLength)") }
        guard m <= n else { throw corrupt("\(m) stored next observations for \(n) rows") }
        guard header.firstTransition == firstTransition else {
            throw corrupt("header says it starts at transition \(header.firstTransition)")
        }
        let expectedSize = ChunkCodec.payloadSize(schema: schema, rows: n, storedNext: m)
        guard header.payloadSize == expectedSize else {
            throw corrupt("header payload size \(header.payloadSize) does not match the schema's \(expectedSize)")
        }
        let frame = UnsafeRawBufferPointer(rebasing: recordBytes[ChunkRecordHeader.size...])
        let decompressedSize: Int
        do {
            decompressedSize = try decompressor.decompress(frame, into: payload)
        } catch let ReplayStoreError.zstd(_, message) {
            throw corrupt("zstd frame does not decode (\(message))")
        }
        guard decompressedSize == expectedSize else {
            throw corrupt("decompressed size \(decompressedSize) does not match the schema's \(expectedSize)")
        }

        let base = UnsafeRawPointer(payload.baseAddress!)
        var offset = 0
        let flagBytes = base.assumingMemoryBound(to: UInt8.self)
        var storedCount = 0
        for r in 0..<n {
            let flags = flagBytes[r]
            guard flags & ~7 == 0 else { throw corrupt("row \(r) has unknown flag bits \(flags)") }
            chunk.flags[r] = flags & 3
            if flags & ChunkCodec.nextObservationStoredBit != 0 { storedCount += 1 }
        }
        guard storedCount == m, flagBytes[n - 1] & ChunkCodec.nextObservationStoredBit != 0 else {
            throw corrupt("next-observation flags do not match the header")
        }
        offset += n
        for r in 0..<n {
            let source = base.load(fromByteOffset: offset + r, as: UInt8.self)
            guard source <= 2 else { throw corrupt("row \(r) has unknown source \(source)") }
            chunk.sources[r] = source
        }
        offset += n
        let filter = schema.columnFilter
        ColumnFilterCoding.decode(base + offset, count: n, stride: 1, filter: filter, into: chunk.episodeIDs); offset += 8 * n
        ColumnFilterCoding.decode(base + offset, count: n, stride: 1, filter: filter, into: chunk.stepIndices); offset += 4 * n
        func floats(_ destination: UnsafeMutablePointer<Float>, count: Int, stride: Int) {
            UnsafeMutableRawPointer(destination).withMemoryRebound(to: UInt32.self, capacity: count) {
                ColumnFilterCoding.decode(base + offset, count: count, stride: stride, filter: filter, into: $0)
            }
            offset += 4 * count
        }
        floats(chunk.rewards, count: n, stride: 1)
        floats(chunk.behaviorLogProbabilities, count: n, stride: 1)
        floats(chunk.observations, count: n * o, stride: o)
        floats(chunk.actions, count: n * a, stride: a)
        floats(storedNext, count: m * o, stride: o)
        var stored = 0
        for r in 0..<n {
            if flagBytes[r] & ChunkCodec.nextObservationStoredBit != 0 {
                (chunk.nextObservations + r * o).update(from: storedNext + stored * o, count: o)
                stored += 1
            } else {
                (chunk.nextObservations + r * o).update(from: chunk.observations + (r + 1) * o, count: o)
            }
        }
        return n
    }
}
