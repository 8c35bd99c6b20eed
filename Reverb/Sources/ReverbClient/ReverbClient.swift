import Foundation
import Synchronization
internal import GRPCCore
internal import GRPCNIOTransportHTTP2
internal import ReverbProtos
import Transitions

/// A connection to a Reverb server (dm-reverb 0.14's `ReverbService`), over gRPC with HTTP/2 in plain text.
///
/// The connection is made lazily and re-made with exponential backoff when the server goes away; a call made
/// while it is down waits up to `callTimeout` and then fails with `ReverbError.unavailable`, which is retryable.
///
/// ```swift
/// let client = try ReverbClient("reverb://localhost:8000")
/// let table = try await client.transitionTable("replay", observationSize: 3, actionSize: 1)
/// let writer = client.makeWriter(for: table)
/// try await writer.append(batch)
/// try await writer.flush()
/// let sample = try await client.sample(from: table, batchSize: 256)
/// ```
public final class ReverbClient: Sendable {
    public let address: ReverbAddress
    /// How long a unary call, or a stream waiting for the connection, may take before it fails as unavailable.
    public let callTimeout: Duration
    private let current: Mutex<ReverbConnection>

    /// Connects to `address` (its table, if any, is ignored here).
    public init(address: ReverbAddress, callTimeout: Duration = .seconds(30)) throws {
        self.address = address
        self.callTimeout = callTimeout
        current = Mutex(try ReverbConnection(address: address))
    }

    /// Connects to a `reverb://HOST:PORT[/TABLE]` address; one that does not parse is refused before anything is sent.
    public convenience init(_ address: String, callTimeout: Duration = .seconds(30)) throws {
        try self.init(address: ReverbAddress(parsing: address), callTimeout: callTimeout)
    }

    /// Closes the connection once the calls in flight have finished.
    public func close() async {
        await connection.close()
    }

    /// The connection calls go through now.
    var connection: ReverbConnection { current.withLock { $0 } }

    /// Replaces `failed` by a new connection, unless another call already did.
    func replaceConnection(_ failed: ReverbConnection) {
        let replacement = try? ReverbConnection(address: address)
        current.withLock { connection in
            if connection === failed, let replacement { connection = replacement }
        }
    }

    /// Options for calls that carry no rate-limiter wait: fail after `callTimeout`, and allow large messages.
    func callOptions(timeout: Duration? = nil) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout ?? callTimeout
        options.waitForReady = true
        options.maxResponseMessageBytes = 1 << 30
        options.maxRequestMessageBytes = 1 << 30
        return options
    }

    // MARK: Server info

    /// Every table of the server: sizes, selectors, rate-limiter state and signatures.
    public func serverInfo() async throws -> [ReverbTableInfo] {
        let response = try await mapErrors(table: nil) { connection in
            try await connection.service.serverInfo(Deepmind_Reverb_ServerInfoRequest(), options: callOptions())
        }
        return try response.tableInfo.map(ReverbTableInfo.init)
    }

    /// The table named `name`, or `ReverbError.unknownTable` listing the ones the server has.
    public func tableInfo(_ name: String) async throws -> ReverbTableInfo {
        let tables = try await serverInfo()
        guard let table = tables.first(where: { $0.name == name }) else {
            throw ReverbError.unknownTable(name, available: tables.map(\.name).sorted())
        }
        return table
    }

    /// Checks that table `name` exists and that its signature holds transitions of these widths
    /// (`TransitionColumn`'s seven columns); the result is what writers and samplers take.
    public func transitionTable(_ name: String, observationSize: Int, actionSize: Int) async throws -> ReverbTransitionTable {
        guard observationSize > 0, actionSize > 0 else {
            throw ReverbError.invalidArgument("observation and action sizes must be positive, got \(observationSize) and \(actionSize)")
        }
        let info = try await tableInfo(name)
        try info.checkTransitionSignature(observationSize: observationSize, actionSize: actionSize)
        return ReverbTransitionTable(name: name, observationSize: observationSize, actionSize: actionSize, info: info)
    }

    // MARK: Priorities

    /// Sets the priority of each item in `updates` (item key → priority), then deletes the items in `deletes`.
    /// Keys the table no longer holds are ignored by the server.
    public func mutatePriorities(table: String, updates: [(key: UInt64, priority: Double)] = [], deletes: [UInt64] = []) async throws {
        for update in updates where !(update.priority.isFinite && update.priority >= 0) {
            throw ReverbError.invalidArgument("the priority of item \(update.key) is \(update.priority); priorities must be finite and not negative")
        }
        var request = Deepmind_Reverb_MutatePrioritiesRequest()
        request.table = table
        request.updates = updates.map { update in
            var entry = Deepmind_Reverb_KeyWithPriority()
            entry.key = update.key
            entry.priority = update.priority
            return entry
        }
        request.deleteKeys = deletes
        _ = try await mapErrors(table: table) { connection in
            try await connection.service.mutatePriorities(request, options: callOptions())
        }
    }

    /// Removes every item of `table` and resets its rate limiter.
    public func reset(table: String) async throws {
        var request = Deepmind_Reverb_ResetRequest()
        request.table = table
        _ = try await mapErrors(table: table) { connection in
            try await connection.service.reset(request, options: callOptions())
        }
    }

    // MARK: Writing and sampling

    /// A writer that inserts transitions into `table`, `chunkLength` transitions to a chunk, one item per transition.
    public func makeWriter(for table: ReverbTransitionTable, chunkLength: Int = 64, maxUnacknowledgedItems: Int = 8192,
                           reconnectAttempts: Int = 8) -> ReverbWriter {
        ReverbWriter(client: self, table: table, chunkLength: max(1, chunkLength), maxUnacknowledgedItems: max(1, maxUnacknowledgedItems),
                     reconnectAttempts: max(1, reconnectAttempts))
    }

    /// Samples `batchSize` items of `table` through one `SampleStream` call. When the table's rate limiter does not
    /// let the samples through within `rateLimiterTimeout`, this fails with the retryable `ReverbError.rateLimiterTimeout`;
    /// nil waits as long as the rate limiter wants.
    public func sample(from table: ReverbTransitionTable, batchSize: Int, rateLimiterTimeout: Duration? = .seconds(60)) async throws -> ReverbSample {
        guard batchSize > 0 else { throw ReverbError.invalidArgument("the batch size must be positive, got \(batchSize)") }
        var request = Deepmind_Reverb_SampleStreamRequest()
        request.table = table.name
        request.numSamples = Int64(batchSize)
        var milliseconds: Int64 = -1
        if let rateLimiterTimeout {
            let (seconds, attoseconds) = rateLimiterTimeout.components
            milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            request.rateLimiterTimeout.milliseconds = milliseconds
        }
        // The call's own deadline lies past the rate limiter's, so that a DEADLINE_EXCEEDED before it is the server's.
        let deadline = rateLimiterTimeout.map { $0 + callTimeout }
        var options = callOptions()
        options.timeout = deadline
        let decoder = SampleDecoder(table: table, batchSize: batchSize)
        let message = request
        return try await mapErrors(table: table.name, rateLimiterMilliseconds: milliseconds) { connection in
            try await connection.service.sampleStream(options: options, requestProducer: { writer in
                try await writer.write(message)
            }, onResponse: { response in
                var decoder = decoder
                for try await message in response.messages {
                    for entry in message.entries {
                        try decoder.add(entry)
                    }
                    if decoder.isComplete { break }
                }
                return try decoder.finish()
            })
        }
    }

    // MARK: Errors

    /// Runs `body`, turning gRPC's errors into `ReverbError`s (each one sentence, the retryable ones marked).
    /// A call that finds the server unavailable replaces the connection, so that the next call starts afresh.
    func mapErrors<T>(table: String?, rateLimiterMilliseconds: Int64 = -1, _ body: (ReverbConnection) async throws -> T) async throws -> T {
        let connection = self.connection
        do {
            return try await body(connection)
        } catch let error as ReverbError {
            throw error
        } catch let error as RPCError {
            let mapped = ReverbError(error, address: address, table: table, rateLimiterMilliseconds: rateLimiterMilliseconds)
            if case .unavailable = mapped { replaceConnection(connection) }
            throw mapped
        }
    }
}

extension ReverbError {
    init(_ error: RPCError, address: ReverbAddress, table: String?, rateLimiterMilliseconds: Int64) {
        switch error.code {
        case .deadlineExceeded where rateLimiterMilliseconds >= 0 && error.message.localizedCaseInsensitiveContains("rate limiter"):
            self = .rateLimiterTimeout(table: table ?? "?", milliseconds: rateLimiterMilliseconds)
        case .deadlineExceeded:
            self = .unavailable("no answer from \(address) before the call's deadline (\(error.message))")
        case .unavailable:
            self = .unavailable("\(address): \(error.message)")
        case .notFound where table != nil:
            self = .unknownTable(table!, available: [])
        default:
            self = .serverError(code: "\(error.code)", message: error.message)
        }
    }
}
