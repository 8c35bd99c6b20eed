import Foundation
import Randomness
import ReplayStore

/// What a learner reports after one update, for logging (`critic_loss`, `actor_loss`, `alpha`, ...).
public typealias UpdateMetrics = [String: Double]

/// An action chosen by a learner's policy, in environment units, with the log-density of that
/// action under the policy that chose it (the behavior log-probability the store keeps).
/// `logProbability` is NaN when the policy has no density (a deterministic action).
public struct ChosenAction: Sendable {
    public var action: [Float]
    public var logProbability: Float

    public init(action: [Float], logProbability: Float) {
        self.action = action
        self.logProbability = logProbability
    }
}

/// A learner updates from batches and picks actions. It never talks to an environment or a store:
/// the training loop samples batches from the store and hands them over.
public protocol Learner: AnyObject {
    var observationSize: Int { get }
    var actionSize: Int { get }

    /// One gradient step on `batch` (sampled from the replay store). Bootstrapping stops at
    /// `terminated` and continues through `truncated`.
    func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics

    /// The action for one observation. `deterministic` is for evaluation (the mean action for SAC,
    /// no exploration noise for TD3/DDPG); otherwise the exploration policy is sampled.
    func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction

    /// Writes everything needed to resume (all networks, targets, optimizer moments, step counters)
    /// into `directory`, which exists.
    func saveCheckpoint(to directory: URL) throws

    /// Restores what `saveCheckpoint(to:)` wrote.
    func loadCheckpoint(from directory: URL) throws

    /// Writes the acting policy as safetensors, loadable from PyTorch.
    func savePolicy(to file: URL) throws
}
