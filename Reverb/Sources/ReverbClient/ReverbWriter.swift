import Foundation
internal import GRPCCore
internal import ReverbProtos
import Transitions

/// Inserts transitions into a Reverb table through one long-lived `InsertStream` call.
///
/// Transitions are grouped into chunks of at most `chunkLength` steps of one episode, in the seven-column layout of `TransitionColumn`
/// (one tensor per column, `[rows, width]` float32 or `[rows]` bool, snappy-compressed). Each transition
/// becomes one item whose columns are one-row slices of its chunk, squeezed, so that Reverb's Python client
/// reads it back as a dict of per-transition tensors. A chunk travels in the same request as its items and
/// before them; no chunk is kept after its request (`keep_chunk_keys` is empty), since no later item uses it.
///
/// The server acknowledges each item by key once it is in the table. `flush()` waits for every item so far;
/// `append` waits when more than `maxUnacknowledgedItems` are outstanding (the table's rate limiter may be
/// holding inserts back). When the server goes away, the writer opens a new stream with exponential backoff and
/// sends every unconfirmed item again (`reconnectAttempts` times); if that fails, `append` or `flush` throws the
/// retryable `ReverbError.unavailable`, keeps the unconfirmed items (`unacknowledgedItemCount`), and a later
/// `flush()` tries again. A confirmed item is in the server's table: nothing confirmed is lost on this side.
public actor ReverbWriter {
    public let table: ReverbTransitionTable
    public let chunkLength: Int
    public let maxUnacknowledgedItems: Int
    /// New streams tried, with exponential backoff, when the server goes away, before the error is reported.
    public let reconnectAttempts: Int
    private let client: ReverbClient
    /// Rows not yet sent, and their priorities.
    private var pending: TransitionBatch
    private var pendingPriorities: [Double] = []
    private var requests: AsyncStream<Deepmind_Reverb_InsertStreamRequest>.Continuation?
    private var call: Task<Void, Never>?
    private var unacknowledged: Set<UInt64> = []
    /// Requests sent whose items are not all confirmed, in the order sent: what a new stream sends again.
    private var inFlight: [Deepmind_Reverb_InsertStreamRequest] = []
    /// The last stream broke with this retryable error; the next wait opens a new one.
    private var broken: ReverbError?
    /// Counts streams, so that the end of an old one is not taken for the end of the current one.
    private var generation = 0
    /// A condition no retry can clear: every later call reports it.
    private var failure: ReverbError?
    private var waiters: [(limit: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    /// Items the server confirmed over this writer's life.
    public private(set) var acknowledgedItemCount = 0

    init(client: ReverbClient, table: ReverbTransitionTable, chunkLength: Int, maxUnacknowledgedItems: Int, reconnectAttempts: Int) {
        self.reconnectAttempts = reconnectAttempts
        self.client = client
        self.table = table
        self.chunkLength = chunkLength
        self.maxUnacknowledgedItems = maxUnacknowledgedItems
        pending = TransitionBatch(observationSize: table.observationSize, actionSize: table.actionSize, reservingCapacity: chunkLength)
    }

    deinit {
        // Ends the stream of a writer dropped without close(); its task holds the writer only weakly.
        requests?.finish()
    }

    /// Items sent whose insertion the server has not confirmed yet.
    public var unacknowledgedItemCount: Int { unacknowledged.count }

    /// Queues the transitions of `batch`, each as one item with its priority (1 for every item when `priorities`
    /// is nil), and sends every full chunk. Values must be finite where a learner needs them; widths must be the table's.
    public func append(_ batch: TransitionBatch, priorities: [Double]? = nil) async throws {
        if let failure { throw failure }
        guard batch.observationSize == table.observationSize, batch.actionSize == table.actionSize else {
            throw ReverbError.invalidArgument(
                "a batch of \(batch.observationSize)-wide observations and \(batch.actionSize)-wide actions cannot go into table '\(table.name)', which holds \(table.observationSize) and \(table.actionSize)")
        }
        if let priorities {
            guard priorities.count == batch.count else {
                throw ReverbError.invalidArgument("\(priorities.count) priorities were given for \(batch.count) transitions")
            }
            if let bad = priorities.first(where: { !($0.isFinite && $0 >= 0) }) {
                throw ReverbError.invalidArgument("a priority of \(bad) was given; priorities must be finite and not negative")
            }
        }
        let o = batch.observationSize, a = batch.actionSize
        for row in 0..<batch.count {
            // A chunk holds one episode's steps, as Reverb's own chunks do, so its sequence range names them exactly.
            if pending.count > 0, batch.episodeIDs[row] != pending.episodeIDs[0] {
                try await sendPending()
            }
            pending.append(
                observation: Array(batch.observations[row * o..<(row + 1) * o]), action: Array(batch.actions[row * a..<(row + 1) * a]),
                reward: batch.rewards[row], nextObservation: Array(batch.nextObservations[row * o..<(row + 1) * o]),
                terminated: batch.terminated[row], truncated: batch.truncated[row],
                behaviorLogProbability: batch.behaviorLogProbabilities[row],
                episodeID: batch.episodeIDs[row], stepIndex: batch.stepIndices[row], source: batch.sources[row])
            pendingPriorities.append(priorities?[row] ?? 1)
            if pending.count == chunkLength {
                try await sendPending()
            }
        }
    }

    /// Sends what is queued (a last, shorter chunk) and waits until the server has confirmed every item.
    public func flush() async throws {
        if let failure { throw failure }
        if pending.count > 0 { try await sendPending() }
        try await waitForAcknowledgements(atMost: 0)
    }

    /// Flushes, then ends the stream.
    public func close() async throws {
        try await flush()
        requests?.finish()
        await call?.value
        requests = nil
        call = nil
    }

    // MARK: Sending

    private func sendPending() async throws {
        let request = try makeRequest()
        pending.removeAll()
        pendingPriorities.removeAll(keepingCapacity: true)
        inFlight.append(request)
        for item in request.items { unacknowledged.insert(item.key) }
        if broken == nil { startCallIfNeeded().yield(request) }
        try await waitForAcknowledgements(atMost: maxUnacknowledgedItems)
    }

    /// Waits until at most `limit` items are unconfirmed. When the stream breaks with a retryable error (the server
    /// went away), opens a new one after a backoff and sends again every item not yet confirmed, with its chunk and
    /// its key (the server inserts or assigns by key, so an item whose confirmation was lost is not duplicated).
    private func waitForAcknowledgements(atMost limit: Int) async throws {
        var attempt = 0
        while true {
            if let failure { throw failure }
            if let error = broken {
                guard attempt < reconnectAttempts else { throw error }
                // 100 ms, 200 ms, 400 ms, ... up to 5 s between attempts.
                if attempt > 0 { try await Task.sleep(for: .milliseconds(min(5000, 100 << min(attempt - 1, 6)))) }
                attempt += 1
                broken = nil
                let continuation = startCallIfNeeded()
                for request in inFlight {
                    var again = request
                    again.items = request.items.filter { unacknowledged.contains($0.key) }
                    if !again.items.isEmpty { continuation.yield(again) }
                }
            }
            do {
                try await waitUntilUnacknowledged(atMost: limit)
                return
            } catch let error as ReverbError where error.isRetryable {
                continue
            }
        }
    }

    /// One request: the chunk of the pending rows, then one item per row that refers to it.
    private func makeRequest() throws -> Deepmind_Reverb_InsertStreamRequest {
        let rows = pending.count
        let o = pending.observationSize, a = pending.actionSize
        var random = SystemRandomNumberGenerator()
        var chunk = Deepmind_Reverb_ChunkData()
        chunk.chunkKey = random.next()
        var tensors = [Tensorflow_TensorProto]()
        tensors.reserveCapacity(TransitionColumn.allCases.count)
        for column in TransitionColumn.allCases {
            switch column {
            case .action: tensors.append(try pending.actions.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: rows, width: a, scalar: false) })
            case .behaviorLogProbability:
                tensors.append(try pending.behaviorLogProbabilities.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: rows, width: 1, scalar: true) })
            case .nextObservation:
                tensors.append(try pending.nextObservations.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: rows, width: o, scalar: false) })
            case .observation: tensors.append(try pending.observations.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: rows, width: o, scalar: false) })
            case .reward: tensors.append(try pending.rewards.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: rows, width: 1, scalar: true) })
            case .terminated: tensors.append(try pending.terminated.withUnsafeBufferPointer { try TensorCodec.encode(booleans: $0) })
            case .truncated: tensors.append(try pending.truncated.withUnsafeBufferPointer { try TensorCodec.encode(booleans: $0) })
            }
        }
        chunk.data.tensors = tensors
        chunk.dataTensorsLen = Int32(tensors.count)
        chunk.dataUncompressedSize = Int64(rows * (4 * (2 * o + a + 2) + 2))
        // The sequence range Reverb's own writer records: the episode of the chunk's rows and their first and last step.
        // Rows from more than one episode, or with gaps, make the range sparse.
        let episode = pending.episodeIDs[0]
        let first = pending.stepIndices[0], last = pending.stepIndices[rows - 1]
        let contiguous = pending.episodeIDs.allSatisfy { $0 == episode }
            && Int(last) - Int(first) == rows - 1
            && zip(pending.stepIndices, pending.stepIndices.dropFirst()).allSatisfy { $1 == $0 + 1 }
        chunk.sequenceRange.episodeID = episode
        chunk.sequenceRange.start = Int32(clamping: first)
        chunk.sequenceRange.end = Int32(clamping: max(last, first))
        chunk.sequenceRange.sparse = !contiguous

        var request = Deepmind_Reverb_InsertStreamRequest()
        request.chunks = [chunk]
        request.items = (0..<rows).map { row in
            var item = Deepmind_Reverb_PrioritizedItem()
            item.key = random.next()
            item.table = table.name
            item.priority = pendingPriorities[row]
            item.flatTrajectory.columns = Deepmind_Reverb_FlatTrajectory.Column.squeezedSteps(of: chunk.chunkKey, row: row, columns: tensors.count)
            return item
        }
        request.keepChunkKeys = []
        return request
    }

    /// The request stream of the InsertStream call, started on first use.
    private func startCallIfNeeded() -> AsyncStream<Deepmind_Reverb_InsertStreamRequest>.Continuation {
        if let requests { return requests }
        let (stream, continuation) = AsyncStream<Deepmind_Reverb_InsertStreamRequest>.makeStream()
        requests = continuation
        let connection = client.connection
        let service = connection.service
        var options = client.callOptions()
        options.timeout = nil  // the stream lives as long as the writer
        options.waitForReady = false  // fail at once while the server is down; the backoff is waitForAcknowledgements'
        generation += 1
        let current = generation
        let tableName = table.name
        let client = self.client
        // The stream's task must not keep the writer alive: a writer dropped without close() ends its stream.
        weak let owner = self
        call = Task {
            do {
                try await service.insertStream(options: options, requestProducer: { writer in
                    for await request in stream {
                        try await writer.write(request)
                    }
                }, onResponse: { response in
                    for try await message in response.messages {
                        await owner?.acknowledge(message.keys)
                    }
                })
                await owner?.streamEnded(nil, generation: current)
            } catch let error as RPCError {
                let mapped = ReverbError(error, address: client.address, table: tableName, rateLimiterMilliseconds: -1)
                if case .unavailable = mapped { client.replaceConnection(connection) }
                await owner?.streamEnded(mapped, generation: current)
            } catch {
                await owner?.streamEnded(.unavailable("the insert stream to \(client.address) failed: \(error)"), generation: current)
            }
        }
        return continuation
    }

    private func acknowledge(_ keys: [UInt64]) {
        for key in keys where unacknowledged.remove(key) != nil {
            acknowledgedItemCount += 1
        }
        while let first = inFlight.first, !first.items.contains(where: { unacknowledged.contains($0.key) }) {
            inFlight.removeFirst()
        }
        resumeWaiters()
    }

    private func streamEnded(_ error: ReverbError?, generation ended: Int) {
        guard ended == generation else { return }
        requests?.finish()
        requests = nil
        call = nil
        if let error, !error.isRetryable {
            failure = error
        } else if error != nil || !unacknowledged.isEmpty {
            broken = error ?? .unavailable("the insert stream to \(client.address) ended with \(unacknowledged.count) items unconfirmed")
        }
        resumeWaiters()
    }

    private func resumeWaiters() {
        waiters.removeAll { waiter in
            if let error = failure ?? broken {
                waiter.continuation.resume(throwing: error)
                return true
            }
            if unacknowledged.count <= waiter.limit {
                waiter.continuation.resume()
                return true
            }
            return false
        }
    }

    private func waitUntilUnacknowledged(atMost limit: Int) async throws {
        if let error = failure ?? broken { throw error }
        if unacknowledged.count <= limit { return }
        try await withCheckedThrowingContinuation { continuation in
            waiters.append((limit, continuation))
        }
    }
}

extension Deepmind_Reverb_FlatTrajectory.Column {
    /// One squeezed one-step column per tensor of a chunk: step `row` of tensor 0 ..< `columns` of chunk `chunkKey`.
    static func squeezedSteps(of chunkKey: UInt64, row: Int, columns: Int) -> [Self] {
        (0..<columns).map { index in
            var slice = Deepmind_Reverb_FlatTrajectory.ChunkSlice()
            slice.chunkKey = chunkKey
            slice.offset = Int32(row)
            slice.length = 1
            slice.index = Int32(index)
            var column = Self()
            column.chunkSlices = [slice]
            column.squeeze = true
            return column
        }
    }
}
