import Foundation
import Randomness
import Transitions

/// What a learner reports after one update, by metric name (`critic_loss`, `actor_loss`, `alpha`, ...).
/// The training loop averages them into `metrics.csv`.
public typealias UpdateMetrics = [String: Double]

/// A learner updates from batches and picks actions. It never talks to an environment or a store:
/// the training loop samples batches from the store and hands them over.
///
/// The built-in learners (SAC, TD3, DDPG) conform, and so can a user's own: the training loop
/// and the evaluation take any `Learner`.
public protocol Learner: AnyObject {
    var observationSize: Int { get }
    var actionSize: Int { get }

    /// The names of the metrics `update(on:using:)` reports, in the order `metrics.csv` lists them.
    var metricNames: [String] { get }

    /// The transitions per run in the batches `update` takes: 1 for single transitions; L > 1 for runs of
    /// L consecutive transitions of one episode, sequence-major (n-step targets). Default 1.
    var sequenceLength: Int { get }

    /// Which runs the batches hold when `sequenceLength` > 1: `.wholeRuns` (never past an episode's end;
    /// the default) or `.fromEveryTransition` (every transition starts one, cut at its episode's end).
    var sequenceWindows: SequenceWindows { get }

    /// One gradient step on `batch` (sampled from the replay store). Bootstrapping stops at
    /// `terminated` and continues through `truncated`.
    func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics

    /// Whether every parameter the last update wrote is finite. Checked after every update (so it
    /// must be cheap); a false stops the run before anything non-finite reaches a checkpoint.
    var parametersAreFinite: Bool { get }

    /// The action for one observation. `deterministic` is for evaluation (the mean action for SAC,
    /// no exploration noise for TD3/DDPG); otherwise the exploration policy is sampled.
    func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction

    /// Writes everything needed to resume (all networks, targets, optimizer moments, step counters)
    /// into `directory`, which exists. Refuses (throws) when a parameter is not finite.
    func saveCheckpoint(to directory: URL) throws

    /// Restores what `saveCheckpoint(to:)` wrote.
    func loadCheckpoint(from directory: URL) throws

    /// Writes the acting policy as safetensors, loadable from PyTorch.
    func savePolicy(to file: URL) throws
}

extension Learner {
    public var sequenceLength: Int { 1 }
    public var sequenceWindows: SequenceWindows { .wholeRuns }
}
