import Foundation
internal import ReverbProtos
import Transitions

/// Turns the entries of a `SampleStream` response into a `ReverbSample`.
///
/// An item's chunks may arrive across several entries; the last one has `end_of_sequence` set. Each item must have
/// the seven transition columns, each one row long, with the table's widths; anything else is a
/// `ReverbError.malformedResponse`, never a trap.
struct SampleDecoder: Sendable {
    let table: ReverbTransitionTable
    let batchSize: Int
    private var batch: TransitionBatch
    private var keys: [UInt64] = []
    private var priorities: [Double] = []
    private var probabilities: [Double] = []
    private var tableSizes: [Int64] = []
    private var timesSampled: [Int32] = []
    /// The item being assembled: its info and the chunks received for it so far.
    private var info: Deepmind_Reverb_SampleInfo?
    private var chunks: [UInt64: Deepmind_Reverb_ChunkData] = [:]
    /// Columns decoded in this batch, by chunk key and tensor index (several items share a chunk).
    private var decoded: [ColumnKey: TensorCodec.Column] = [:]

    private struct ColumnKey: Hashable { var chunk: UInt64; var index: Int32 }

    init(table: ReverbTransitionTable, batchSize: Int) {
        self.table = table
        self.batchSize = batchSize
        batch = TransitionBatch(observationSize: table.observationSize, actionSize: table.actionSize, zeroedCount: batchSize)
    }

    var isComplete: Bool { keys.count == batchSize }

    mutating func add(_ entry: Deepmind_Reverb_SampleStreamResponse.SampleEntry) throws {
        guard !isComplete else { throw ReverbError.malformedResponse("the server sent more than the \(batchSize) samples asked for") }
        if entry.hasInfo {
            guard info == nil else {
                throw ReverbError.malformedResponse("a new item began before item \(info!.item.key) ended")
            }
            info = entry.info
        }
        guard let current = info else { throw ReverbError.malformedResponse("sample data arrived before its item's info") }
        for chunk in entry.data { chunks[chunk.chunkKey] = chunk }
        if entry.endOfSequence {
            try decodeItem(current)
            info = nil
            chunks.removeAll(keepingCapacity: true)
        }
    }

    func finish() throws -> ReverbSample {
        guard isComplete, info == nil else {
            throw ReverbError.malformedResponse("the sample stream of table '\(table.name)' ended after \(keys.count) of \(batchSize) items")
        }
        return ReverbSample(batch: batch, keys: keys, priorities: priorities, probabilities: probabilities,
                            tableSizes: tableSizes, timesSampled: timesSampled)
    }

    private mutating func column(_ slice: Deepmind_Reverb_FlatTrajectory.ChunkSlice, item: UInt64) throws -> (TensorCodec.Column, Deepmind_Reverb_ChunkData) {
        guard let chunk = chunks[slice.chunkKey] else {
            throw ReverbError.malformedResponse("item \(item) refers to chunk \(slice.chunkKey), which was not sent with it")
        }
        let key = ColumnKey(chunk: slice.chunkKey, index: slice.index)
        if let column = decoded[key] { return (column, chunk) }
        guard slice.index >= 0, Int(slice.index) < chunk.data.tensors.count else {
            throw ReverbError.malformedResponse("item \(item) refers to tensor \(slice.index) of chunk \(slice.chunkKey), which has \(chunk.data.tensors.count)")
        }
        guard !chunk.deltaEncoded else {
            throw ReverbError.malformedResponse("chunk \(slice.chunkKey) is delta-encoded, which float and bool transition columns never are")
        }
        let column = try TensorCodec.decode(chunk.data.tensors[Int(slice.index)], what: "tensor \(slice.index) of chunk \(slice.chunkKey)")
        decoded[key] = column
        return (column, chunk)
    }

    private mutating func decodeItem(_ info: Deepmind_Reverb_SampleInfo) throws {
        let item = info.item
        let row = keys.count
        let columns = item.flatTrajectory.columns
        guard columns.count == TransitionColumn.allCases.count else {
            throw ReverbError.malformedResponse("item \(item.key) has \(columns.count) columns, a transition has \(TransitionColumn.allCases.count)")
        }
        var episodeID: UInt64 = 0
        var stepIndex: UInt32 = 0
        for (kind, trajectoryColumn) in zip(TransitionColumn.allCases, columns) {
            guard trajectoryColumn.chunkSlices.count == 1, let slice = trajectoryColumn.chunkSlices.first, slice.length == 1 else {
                throw ReverbError.malformedResponse("column '\(kind.name)' of item \(item.key) is not one step long")
            }
            let (column, chunk) = try column(slice, item: item.key)
            let width = kind.width(observationSize: table.observationSize, actionSize: table.actionSize)
            let expectedShape = kind.shape(observationSize: table.observationSize, actionSize: table.actionSize)
            guard column.dataType == kind.dataType, column.rowShape == expectedShape else {
                throw ReverbError.malformedResponse(
                    "column '\(kind.name)' of item \(item.key) holds \(column.dataType.tensorFlowName) rows of shape \(column.rowShape), expected \(kind.dataTypeName) \(expectedShape)")
            }
            guard slice.offset >= 0, Int(slice.offset) < column.rows else {
                throw ReverbError.malformedResponse("item \(item.key) reads row \(slice.offset) of a chunk column with \(column.rows) rows")
            }
            let offset = Int(slice.offset)
            if kind == .observation {
                episodeID = chunk.sequenceRange.episodeID
                stepIndex = chunk.sequenceRange.sparse ? 0 : UInt32(clamping: Int(chunk.sequenceRange.start) + offset)
            }
            batch.withUnsafeMutableColumns { out in
                column.bytes.withUnsafeBytes { raw in
                    if kind.isBoolean {
                        let value = raw[offset] != 0
                        if kind == .terminated { out.terminated[row] = value } else { out.truncated[row] = value }
                        return
                    }
                    let source = raw.baseAddress!.advanced(by: offset * width * 4)
                    let destination: UnsafeMutablePointer<Float>
                    switch kind {
                    case .observation: destination = out.observations + row * width
                    case .nextObservation: destination = out.nextObservations + row * width
                    case .action: destination = out.actions + row * width
                    case .reward: destination = out.rewards + row
                    case .behaviorLogProbability: destination = out.behaviorLogProbabilities + row
                    case .terminated, .truncated: return
                    }
                    UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: width * 4)
                }
            }
        }
        batch.withUnsafeMutableColumns { out in
            out.episodeIDs[row] = episodeID
            out.stepIndices[row] = stepIndex
        }
        keys.append(item.key)
        priorities.append(item.priority)
        probabilities.append(info.probability)
        tableSizes.append(info.tableSize)
        timesSampled.append(item.timesSampled)
    }
}
