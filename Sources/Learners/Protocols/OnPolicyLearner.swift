import Randomness
import Transitions

/// A learner that learns from rollouts of its own current policy (REINFORCE, A2C, PPO) rather than
/// from batches sampled out of a replay store.
///
/// The on-policy training loop steps `environmentCount` copies of the environment in lockstep for
/// `stepsPerEnvironment` steps, hands the rollout to `update(onRollout:segments:progressRemaining:using:)`,
/// and then (when `replayUpdatesPerRollout` > 0) runs that many `replayUpdate(on:using:)` calls on
/// runs of `replaySequenceLength` consecutive transitions sampled from the run's store.
public protocol OnPolicyLearner: Learner {
    /// Environment copies stepped in lockstep per rollout.
    var environmentCount: Int { get }
    /// Steps each copy takes per rollout.
    var stepsPerEnvironment: Int { get }

    /// One update phase on a rollout of `segments` equal runs, segment-major: rows
    /// s·L ..< (s+1)·L are copy s's L steps in order (L = rollout.count / segments). Each row's
    /// `nextObservation` is the observation after its step (the true final one at a truncation);
    /// a segment's last row that ended no episode is bootstrapped from V(nextObservation).
    /// `progressRemaining` runs from 1 (start of training) to 0 (end), for learning-rate annealing.
    func update(onRollout rollout: TransitionBatch, segments: Int, progressRemaining: Double,
                using generator: inout SeededGenerator) -> UpdateMetrics

    /// Called before lockstep `step` (0-based) of every rollout, before any copy acts: a learner whose
    /// exploration noise persists over several steps (gSDE) draws it anew here. Default: nothing.
    func prepareExploration(step: Int, using generator: inout SeededGenerator)
    /// The exploratory action of environment copy `copy` (0..<environmentCount) in `observation`, unclipped,
    /// with its log-density. Default: `act(on:deterministic: false, using:)`.
    func explore(on observation: [Float], copy: Int, using generator: inout SeededGenerator) -> ChosenAction

    /// Extra updates on replayed data after each rollout update (0: none).
    var replayUpdatesPerRollout: Int { get }
    /// Runs of consecutive transitions per replay update, and their length.
    var replaySequenceCount: Int { get }
    var replaySequenceLength: Int { get }
    /// One update on `replaySequenceCount` runs of `replaySequenceLength` transitions (sequence-major),
    /// sampled from the store and corrected for the policy that logged them.
    func replayUpdate(on sequences: TransitionBatch, progressRemaining: Double, using generator: inout SeededGenerator) -> UpdateMetrics
}

extension OnPolicyLearner {
    public func prepareExploration(step: Int, using generator: inout SeededGenerator) {}
    public func explore(on observation: [Float], copy: Int, using generator: inout SeededGenerator) -> ChosenAction {
        act(on: observation, deterministic: false, using: &generator)
    }
    public var replayUpdatesPerRollout: Int { 0 }
    public var replaySequenceCount: Int { environmentCount }
    public var replaySequenceLength: Int { stepsPerEnvironment }
    public func replayUpdate(on sequences: TransitionBatch, progressRemaining: Double, using generator: inout SeededGenerator) -> UpdateMetrics {
        [:]
    }
}
