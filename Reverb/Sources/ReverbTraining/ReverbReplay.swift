import Environments
import Foundation
import Randomness
import ReverbClient
import Transitions

/// A Reverb table as the training loop's transition store: batches are sampled from the server (its selector
/// draws them, so the loop's sampling generator is not used), and with a prioritized table the learner's new
/// priorities go back through `MutatePriorities`. The learner never appends: actors insert.
///
/// Each sample waits at most `rateLimiterTimeout` for the table's rate limiter and then tries again (printing a
/// note to standard error once per wait), so a learner waits for its actors as long as it takes; a stop request
/// (Ctrl-C, SIGTERM) during the wait ends it with `Interruption`. A server that went away is retried the same way.
///
/// `transitionCount` is the table's inserts as its rate limiter counts them (monotone while the server runs), and at
/// least `countFloor`: a learner resumed against a restarted server, which counts from zero again, is not refused.
public final class ReverbReplay: PrioritizedTransitionSampler, TransitionSink {
    public let client: ReverbClient
    public let table: ReverbTransitionTable
    public let rateLimiterTimeout: Duration
    public var countFloor: Int
    /// Items sampled so far by this process.
    public private(set) var sampledItems = 0
    /// ε added to every |δ| before it becomes a priority (the server raises priorities to its own exponent α).
    private var priorityEpsilon = 0.0
    private let log: (String) -> Void

    public init(client: ReverbClient, table: ReverbTransitionTable, rateLimiterTimeout: Duration = .seconds(5), countFloor: Int = 0,
                log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.client = client
        self.table = table
        self.rateLimiterTimeout = rateLimiterTimeout
        self.countFloor = countFloor
        self.log = log
    }

    public var transitionCount: Int {
        get throws {
            let client = self.client, name = table.name
            let info = try blocking { try await client.tableInfo(name) }
            return max(countFloor, Int(info.rateLimiter.insertsCompleted))
        }
    }

    public func append(_ batch: TransitionBatch) throws {
        throw ReverbRunError.unsupported("The learner of a distributed run does not insert into Reverb table '\(table.name)'; actors do")
    }

    /// The server keeps the items; nothing is buffered here.
    public func sync() throws {}

    /// One batch from the server, retried while the rate limiter holds it back or the server is away.
    private func draw(_ batchSize: Int) throws -> ReverbSample {
        let client = self.client, table = self.table, timeout = rateLimiterTimeout
        var waitingSince: ContinuousClock.Instant?
        while true {
            if StopRequest.isRequested { throw Interruption(signal: StopRequest.signal) }
            do {
                let sample = try blocking { try await client.sample(from: table, batchSize: batchSize, rateLimiterTimeout: timeout) }
                if let waitingSince {
                    log("note: table '\(table.name)' let a batch through after \(Int((ContinuousClock.now - waitingSince).components.seconds)) s")
                }
                sampledItems += batchSize
                return sample
            } catch let error as ReverbError where error.isRetryable {
                if waitingSince == nil {
                    waitingSince = .now
                    log("note: waiting for table '\(table.name)' (\(error))")
                }
                if case .unavailable = error { Thread.sleep(forTimeInterval: 1) }
            }
        }
    }

    public func sample(batchSize: Int, using generator: inout SeededGenerator, into batch: inout TransitionBatch) throws {
        batch = try draw(batchSize).batch
    }

    public func sample(batchSize: Int, demonstrations: Range<Int>, demonstrationCount: Int, using generator: inout SeededGenerator,
                       into batch: inout TransitionBatch) throws {
        throw ReverbRunError.unsupported("A Reverb table holds no pinned demonstrations to mix into batches")
    }

    public func sampleSequences(count: Int, length: Int, windows: SequenceWindows, using generator: inout SeededGenerator,
                                into batch: inout TransitionBatch) throws {
        throw ReverbRunError.unsupported("A Reverb transition table holds single transitions, not runs of \(length); train with one-step targets")
    }

    /// A batch drawn by the server's prioritized selector: each row's item key and its importance weight
    /// (N·P(i))^(−β) / max, with β from `settings` (α is the table's own exponent).
    public func samplePrioritized(batchSize: Int, settings: PrioritySettings, using generator: inout SeededGenerator,
                                  into batch: inout TransitionBatch, sample: inout PrioritizedSample) throws {
        let drawn = try draw(batchSize)
        batch = drawn.batch
        sample = PrioritizedSample(indices: drawn.keys, weights: drawn.importanceWeights(exponent: settings.beta))
        priorityEpsilon = settings.epsilon
    }

    /// Refused as `sampleSequences` is: a transition table holds single transitions, not runs.
    public func samplePrioritizedSequences(count: Int, length: Int, windows: SequenceWindows, settings: PrioritySettings,
                                           using generator: inout SeededGenerator, into batch: inout TransitionBatch,
                                           sample: inout PrioritizedSample) throws {
        try sampleSequences(count: count, length: length, windows: windows, using: &generator, into: &batch)
    }

    /// Sets each sampled item's priority to |δ| + ε; items the table no longer holds are ignored by the server.
    public func updatePriorities(indices: [UInt64], priorities: [Float]) throws {
        let epsilon = priorityEpsilon
        let updates = zip(indices, priorities).map { (key: $0, priority: Double($1) + epsilon) }
        let client = self.client, name = table.name
        var attempts = 0
        while true {
            do {
                try blocking { try await client.mutatePriorities(table: name, updates: updates) }
                return
            } catch let error as ReverbError where error.isRetryable && attempts < 5 {
                attempts += 1
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }
}
