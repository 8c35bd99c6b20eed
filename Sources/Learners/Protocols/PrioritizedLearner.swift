import Randomness
import Transitions

/// A learner that can learn from prioritized replay (Schaul et al. 2016): its critic loss weights each row
/// by the row's importance weight, and it reports each row's new priority, |δ| of its critic target. SAC,
/// TD3, DDPG and TD3+BC conform; the training loop uses this when `TrainingConfig.prioritizedReplay` is set.
public protocol PrioritizedLearner: Learner {
    /// One gradient step on `batch` as `update(on:using:)`, with critic k's loss
    /// mean_b w_b (Q_k(s_b, a_b) − y_b)² (times the learner's own factor) for the importance weights
    /// `importanceWeights` (one per row; one per run when `sequenceLength` > 1 and `batch` holds runs, whose
    /// y_b is the n-step target of the run's first transition). Returns the metrics and each row's (run's)
    /// new priority: the mean over the critics of |Q_k(s_b, a_b) − y_b|, before this step (for twin critics,
    /// the mean of the two).
    func update(on batch: TransitionBatch, importanceWeights: [Float], using generator: inout SeededGenerator)
        -> (metrics: UpdateMetrics, priorities: [Float])
}
