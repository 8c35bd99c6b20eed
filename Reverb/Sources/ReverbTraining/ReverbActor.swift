import Environments
import Foundation
import Learners
import Randomness
import ReverbClient
import Transitions

/// An actor of a distributed run: steps its environment copies with the newest policy a learner published to the
/// weights table, and inserts every transition, with its behavior log-probability, into the replay table.
///
/// - Before any weights exist, actions are uniform in the action box, with log-probability −Σ log(high − low).
/// - Every `refreshEvery` environment steps (counted over all copies) it reads the weights table and, when the
///   learner published newer weights, acts with those (`ActingPolicies`).
/// - Each copy's transitions go to the writer in runs of `chunkLength` steps of one episode (one chunk each), and
///   at the end of each episode. Episode ids start at a random 64-bit base, so actors (and a restarted actor) never share one.
/// - Copy c is reset with seed + c first; later episodes continue each copy's stream.
/// - A server that went away is waited for: the writer keeps every unconfirmed item and sends it again.
public final class ReverbActor {
    public struct Settings: Sendable {
        public var refreshEvery: Int
        public var seed: UInt64
        /// Environment steps (over all copies) after which the actor stops; nil: until stopped.
        public var steps: Int?
        public var chunkLength: Int
        /// Seconds between status lines (0: none).
        public var statusEvery: Double

        public init(refreshEvery: Int = 1000, seed: UInt64 = 0, steps: Int? = nil, chunkLength: Int = 1, statusEvery: Double = 10) {
            self.refreshEvery = max(1, refreshEvery)
            self.seed = seed
            self.steps = steps
            self.chunkLength = max(1, chunkLength)
            self.statusEvery = statusEvery
        }
    }

    /// What an actor did, for its last line.
    public struct Report: Sendable {
        public var environmentSteps = 0
        public var episodes = 0
        public var confirmedItems = 0
        /// The update count of the weights acted with last, or nil when none arrived.
        public var policyUpdates: Int64?
        public var seconds = 0.0
    }

    public let client: ReverbClient
    public let table: ReverbTransitionTable
    public let weightsTable: String
    public let settings: Settings
    private var environments: [any Environment]
    private let writer: ReverbWriter
    private let log: (String) -> Void
    private var policy: (any ActingPolicy)?
    private var generator: SeededGenerator
    private var report = Report()

    public init(client: ReverbClient, table: ReverbTransitionTable, weightsTable: String, environments: [any Environment], settings: Settings,
                log: @escaping (String) -> Void = { print($0) }) {
        precondition(!environments.isEmpty, "an actor needs at least one environment copy")
        self.client = client
        self.table = table
        self.weightsTable = weightsTable
        self.environments = environments
        self.settings = settings
        self.log = log
        // Two chunks in flight: an actor the rate limiter holds back waits at once, instead of acting on with stale weights.
        writer = client.makeWriter(for: table, chunkLength: settings.chunkLength, maxUnacknowledgedItems: 2 * settings.chunkLength)
        generator = SeededGenerator(seed: settings.seed, stream: 11)
    }

    /// Steps the copies until `settings.steps` environment steps are done or `shouldStop` returns true (asked after
    /// every loop step), then sends what is left and waits until the server confirmed every item.
    @discardableResult
    public func run(shouldStop: () -> Bool) throws -> Report {
        let start = ContinuousClock.now
        var lastStatus = start
        var statusSteps = 0
        let space = environments[0].actionSpace
        var logVolume = 0.0
        for (low, high) in zip(space.low, space.high) { logVolume += Foundation.log(Double(high) - Double(low)) }
        let uniformLogProbability = Float(-logVolume)
        var episodeBase: UInt64 = 0
        while episodeBase == 0 { episodeBase = UInt64.random(in: 1...UInt64.max >> 8) << 8 }
        var nextEpisode = UInt64(environments.count)
        var observations: [[Float]] = []
        var episodeIDs: [UInt64] = []
        var stepIndices = [UInt32](repeating: 0, count: environments.count)
        for c in environments.indices {
            observations.append(try environments[c].checkedReset(seed: settings.seed &+ UInt64(c)))
            episodeIDs.append(episodeBase &+ UInt64(c))
        }
        var pending = environments.map { _ in
            TransitionBatch(observationSize: table.observationSize, actionSize: table.actionSize, reservingCapacity: settings.chunkLength)
        }
        try refreshPolicy()
        var sinceRefresh = 0
        while settings.steps.map({ report.environmentSteps < $0 }) ?? true {
            for c in environments.indices {
                let chosen: ChosenAction
                if let policy {
                    chosen = policy.act(on: observations[c], deterministic: false, using: &generator)
                } else {
                    let action = (0..<space.dimension).map { generator.nextFloat(in: space.low[$0], space.high[$0]) }
                    chosen = ChosenAction(action: action, logProbability: uniformLogProbability)
                }
                let result = try environments[c].checkedStep(chosen.action)
                pending[c].append(observation: observations[c], action: chosen.action, reward: Float(result.reward),
                                  nextObservation: result.observation, terminated: result.terminated, truncated: result.truncated,
                                  behaviorLogProbability: chosen.logProbability, episodeID: episodeIDs[c], stepIndex: stepIndices[c], source: .online)
                report.environmentSteps += 1
                sinceRefresh += 1
                if result.isEpisodeOver {
                    report.episodes += 1
                    try send(&pending[c])
                    observations[c] = try environments[c].checkedReset()
                    episodeIDs[c] = episodeBase &+ nextEpisode
                    nextEpisode += 1
                    stepIndices[c] = 0
                } else {
                    observations[c] = result.observation
                    stepIndices[c] += 1
                    if pending[c].count >= settings.chunkLength { try send(&pending[c]) }
                }
            }
            if sinceRefresh >= settings.refreshEvery {
                sinceRefresh = 0
                try refreshPolicy()
            }
            if settings.statusEvery > 0, ContinuousClock.now - lastStatus >= .seconds(settings.statusEvery) {
                let now = ContinuousClock.now
                let rate = Double(report.environmentSteps - statusSteps) / seconds(now - lastStatus)
                report.confirmedItems = try blocking { [writer] in await writer.acknowledgedItemCount }
                log(String(format: "actor: %d env steps (%.0f/s), %d episodes, %d items confirmed, %@", report.environmentSteps, rate,
                           report.episodes, report.confirmedItems, policyText))
                (lastStatus, statusSteps) = (now, report.environmentSteps)
            }
            if shouldStop() { break }
        }
        // What is left goes out; a stopping actor waits for the server's confirmation at most `stopGrace` seconds.
        let stopping = ContinuousClock.now
        let giveUp = { StopRequest.isRequested && ContinuousClock.now - stopping > .seconds(Self.stopGrace) }
        do {
            for c in pending.indices { try send(&pending[c], abandoningWhen: giveUp) }
            try waitUntilConfirmed(abandoningWhen: giveUp)
        } catch is AbandonedWait {
            log("note: stopped with items the server had not confirmed (its rate limiter held them back)")
        }
        report.confirmedItems = try blocking { [writer] in await writer.acknowledgedItemCount }
        report.seconds = seconds(ContinuousClock.now - start)
        return report
    }

    private var policyText: String { report.policyUpdates.map { "policy of update \($0)" } ?? "uniform random actions (no weights yet)" }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// Hands a copy's rows to the writer; a server that went away is waited for (every unconfirmed item is kept).
    /// A stop request abandons the wait (`AbandonedWait`) after `stopGrace` seconds.
    private func send(_ rows: inout TransitionBatch, abandoningWhen abandon: (() -> Bool)? = nil) throws {
        guard rows.count > 0 else { return }
        let batch = rows
        rows.removeAll()
        let abandon = abandon ?? stopAbandons()
        do {
            try blocking(abandoningWhen: abandon) { [writer] in try await writer.append(batch) }
        } catch let error as ReverbError where error.isRetryable {
            log("note: \(error) The actor keeps its unconfirmed items and tries again.")
            try waitUntilConfirmed(abandoningWhen: abandon)
        }
    }

    /// Seconds a stopping actor waits for the server (a rate limiter holding inserts back, a server away).
    static let stopGrace = 10.0

    /// True once a stop was requested `stopGrace` seconds ago.
    private func stopAbandons() -> () -> Bool {
        var since: ContinuousClock.Instant?
        return {
            guard StopRequest.isRequested else { return false }
            if since == nil { since = .now }
            return ContinuousClock.now - since! > .seconds(Self.stopGrace)
        }
    }

    /// Flushes the writer, trying again every second while the server is away, until `abandon` gives up.
    private func waitUntilConfirmed(abandoningWhen abandon: @escaping () -> Bool) throws {
        while true {
            do {
                try blocking(abandoningWhen: abandon) { [writer] in try await writer.flush() }
                return
            } catch let error as ReverbError where error.isRetryable {
                if abandon() { throw AbandonedWait() }
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Reads the weights table; acts with its weights when they are newer than the ones in use.
    private func refreshPolicy() throws {
        let client = self.client, name = weightsTable
        let weights: ReverbWeights?
        do {
            weights = try blocking { try await client.newestWeights(from: name, timeout: .milliseconds(50)) }
        } catch let error as ReverbError where error.isRetryable {
            return  // the server is away: keep acting with what we have
        }
        guard let weights, weights.updates != report.policyUpdates else { return }
        let policy = try ActingPolicies.read(bytes: weights.policy, source: "Reverb table '\(name)' (update \(weights.updates))")
        guard policy.observationSize == table.observationSize, policy.actionSize == table.actionSize else {
            throw ReverbRunError.unusablePolicy(source: "Reverb table '\(name)'",
                reason: "it takes \(policy.observationSize)-d observations and gives \(policy.actionSize)-d actions; this actor's environment has \(table.observationSize) and \(table.actionSize)")
        }
        self.policy = policy
        report.policyUpdates = weights.updates
    }
}
