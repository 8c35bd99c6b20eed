import NeuralNetwork
import Randomness
import Transitions

/// A learner whose critics' regression losses read optional per-row weights (`CriticEnsemble.regressionLoss`):
/// SAC and TD3 (so DDPG and TD3+BC). Its `PrioritizedLearner` update is written once, below.
protocol CriticWeightedLearner: PrioritizedLearner, AnyObject {
    /// The critics whose TD errors become the new priorities.
    var critics: CriticEnsemble { get }
    /// The weights the next update's critic losses use; nil for the plain (unweighted) update.
    var importanceWeights: FloatBuffer? { get set }
}

extension CriticWeightedLearner {
    /// The update of `update(on:using:)` with each critic's squared TD errors weighted by `importanceWeights`
    /// (`CriticEnsemble.regressionLoss`); the new priorities are the mean over the critics of |Q_k(s, a) − y|.
    public func update(on batch: TransitionBatch, importanceWeights: [Float], using generator: inout SeededGenerator)
        -> (metrics: UpdateMetrics, priorities: [Float]) {
        precondition(importanceWeights.count == batch.count, "one importance weight per row: \(batch.count) rows, \(importanceWeights.count) weights")
        precondition(sequenceLength == 1, "prioritized replay learns from single transitions, not runs of \(sequenceLength)")
        let weights = FloatBuffer(count: batch.count)
        weights.base.update(from: importanceWeights, count: batch.count)
        self.importanceWeights = weights
        defer { self.importanceWeights = nil }
        let metrics = update(on: batch, using: &generator)
        return (metrics, critics.meanAbsoluteErrors(rows: batch.count))
    }
}
