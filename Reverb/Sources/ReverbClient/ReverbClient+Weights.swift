import Foundation
internal import GRPCCore
internal import ReverbProtos

/// Policy weights as a learner publishes them to a weights table and actors read them back: one item of two
/// columns, in the order Reverb's Python client flattens the dict `{"policy": ..., "updates": ...}`:
///
/// | column | per-item shape | dtype | holds |
/// |---|---|---|---|
/// | `policy` | `[byte count]` | uint8 | the bytes of the learner's `policy.safetensors` |
/// | `updates` | `[]` | int64 | the learner's update count when it published them |
///
/// In Python: `policy, updates = client.sample("weights").__next__()[0].data` and
/// `safetensors.numpy.load(policy.tobytes())`.
public struct ReverbWeights: Equatable, Sendable {
    public var policy: [UInt8]
    public var updates: Int64

    public init(policy: [UInt8], updates: Int64) {
        self.policy = policy
        self.updates = updates
    }
}

extension ReverbClient {
    /// Inserts `weights` as one item (priority 1) into `table`, through one `InsertStream` call that ends once
    /// the server confirmed the item. A weights table of size 1 with a FIFO remover then holds only these.
    public func publishWeights(_ weights: ReverbWeights, to table: String) async throws {
        guard !weights.policy.isEmpty else { throw ReverbError.invalidArgument("the weights to publish to table '\(table)' are empty") }
        var random = SystemRandomNumberGenerator()
        var chunk = Deepmind_Reverb_ChunkData()
        chunk.chunkKey = random.next()
        let updates = withUnsafeBytes(of: weights.updates.littleEndian) { Array($0) }
        chunk.data.tensors = [
            try TensorCodec.encode(raw: weights.policy, dataType: .dtUint8, shape: [1, weights.policy.count]),
            try TensorCodec.encode(raw: updates, dataType: .dtInt64, shape: [1]),
        ]
        chunk.dataTensorsLen = 2
        chunk.dataUncompressedSize = Int64(weights.policy.count + 8)
        chunk.sequenceRange.episodeID = UInt64(bitPattern: weights.updates)
        chunk.sequenceRange.start = 0
        chunk.sequenceRange.end = 0
        var item = Deepmind_Reverb_PrioritizedItem()
        item.key = random.next()
        item.table = table
        item.priority = 1
        item.flatTrajectory.columns = Deepmind_Reverb_FlatTrajectory.Column.squeezedSteps(of: chunk.chunkKey, row: 0, columns: 2)
        var request = Deepmind_Reverb_InsertStreamRequest()
        request.chunks = [chunk]
        request.items = [item]
        let message = request
        let key = item.key
        // The request stream stays open until the item is confirmed: a half-closed stream may end before it.
        let (confirmed, confirm) = AsyncStream<Void>.makeStream()
        try await mapErrors(table: table) { connection in
            try await connection.service.insertStream(options: callOptions(), requestProducer: { writer in
                try await writer.write(message)
                for await _ in confirmed {}
            }, onResponse: { response in
                defer { confirm.finish() }
                for try await message in response.messages where message.keys.contains(key) { return }
                throw ReverbError.unavailable("the insert stream to \(self.address) ended before the weights were confirmed")
            })
        }
    }

    /// The weights `table` holds now, or nil when it holds none within `timeout` (the table's rate limiter,
    /// `MinSize(1)`, holds the sample back until a learner published some).
    public func newestWeights(from table: String, timeout: Duration = .milliseconds(200)) async throws -> ReverbWeights? {
        var request = Deepmind_Reverb_SampleStreamRequest()
        request.table = table
        request.numSamples = 1
        let (seconds, attoseconds) = timeout.components
        let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        request.rateLimiterTimeout.milliseconds = milliseconds
        var options = callOptions()
        options.timeout = timeout + callTimeout
        let message = request
        do {
            return try await mapErrors(table: table, rateLimiterMilliseconds: milliseconds) { connection in
                try await connection.service.sampleStream(options: options, requestProducer: { writer in
                    try await writer.write(message)
                }, onResponse: { response in
                    var info: Deepmind_Reverb_SampleInfo?
                    var chunks: [UInt64: Deepmind_Reverb_ChunkData] = [:]
                    for try await message in response.messages {
                        for entry in message.entries {
                            if entry.hasInfo { info = entry.info }
                            for chunk in entry.data { chunks[chunk.chunkKey] = chunk }
                            if entry.endOfSequence, let info {
                                return try Self.decodeWeights(info.item, chunks: chunks, table: table)
                            }
                        }
                    }
                    throw ReverbError.malformedResponse("the sample stream of table '\(table)' ended before its item did")
                })
            }
        } catch ReverbError.rateLimiterTimeout {
            return nil
        }
    }

    /// The two columns of a weights item; anything else is a `ReverbError.malformedResponse` naming the table.
    static func decodeWeights(_ item: Deepmind_Reverb_PrioritizedItem, chunks: [UInt64: Deepmind_Reverb_ChunkData],
                              table: String) throws -> ReverbWeights {
        let columns = item.flatTrajectory.columns
        guard columns.count == 2 else {
            throw ReverbError.malformedResponse("item \(item.key) of weights table '\(table)' has \(columns.count) columns, weights have 2 (policy, updates)")
        }
        var decoded: [TensorCodec.Column] = []
        for (name, column) in zip(["policy", "updates"], columns) {
            guard column.chunkSlices.count == 1, let slice = column.chunkSlices.first, slice.length == 1, slice.offset == 0,
                  let chunk = chunks[slice.chunkKey], slice.index >= 0, Int(slice.index) < chunk.data.tensors.count else {
                throw ReverbError.malformedResponse("column '\(name)' of item \(item.key) in weights table '\(table)' is not one step of a chunk sent with it")
            }
            let tensor = try TensorCodec.decode(chunk.data.tensors[Int(slice.index)], what: "column '\(name)' of weights table '\(table)'")
            decoded.append(tensor)
        }
        guard decoded[0].dataType == .dtUint8, decoded[0].rows == 1, decoded[0].rowShape.count == 1 else {
            throw ReverbError.malformedResponse("column 'policy' of weights table '\(table)' is not one row of uint8 bytes")
        }
        guard decoded[1].dataType == .dtInt64, decoded[1].rows == 1, decoded[1].rowShape.isEmpty else {
            throw ReverbError.malformedResponse("column 'updates' of weights table '\(table)' is not one int64")
        }
        let updates = decoded[1].bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        return ReverbWeights(policy: decoded[0].bytes, updates: updates)
    }
}
