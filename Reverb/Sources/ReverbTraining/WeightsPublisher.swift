import Foundation
import ReverbClient
import Training

/// Publishes the learner's acting policy (`policy.safetensors`'s bytes, see `ReverbWeights`) to a weights table
/// every `interval` updates, and once when a run resumes with updates done, so that actors act with the newest
/// policy. A publish that finds the server away is retried at the next interval; a note says so.
public final class WeightsPublisher: TrainingCallback {
    public let client: ReverbClient
    public let table: String
    public let interval: Int
    /// The update count of the last weights published, or nil before the first.
    public private(set) var publishedUpdates: Int?
    private let log: (String) -> Void

    public init(client: ReverbClient, table: String, interval: Int,
                log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.client = client
        self.table = table
        self.interval = max(1, interval)
        self.log = log
    }

    public func runWillStart(_ run: RunCore) throws {
        if run.updates > 0 { try publish(run) }
    }

    public func afterIteration(_ run: RunCore) throws -> CallbackDecision {
        if run.updates > 0, run.updates % interval == 0, publishedUpdates != run.updates { try publish(run) }
        return .proceed
    }

    /// Writes the policy to a temporary file (never one of the run's), reads it back and inserts it.
    public func publish(_ run: RunCore) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-reverb-publish-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try run.savePolicy(to: file)
        let weights = ReverbWeights(policy: [UInt8](try Data(contentsOf: file)), updates: Int64(run.updates))
        let client = self.client, table = self.table
        do {
            try blocking { try await client.publishWeights(weights, to: table) }
            publishedUpdates = run.updates
        } catch let error as ReverbError where error.isRetryable {
            log("note: the weights of update \(run.updates) were not published (\(error)); trying again at the next interval")
        }
    }
}
