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
    /// With n-step targets (`sequenceLength` > 1) `batch` holds runs and there is one weight and one new
    /// priority per run: Q(s₀, a₀) of the run against its n-step target.
    public func update(on batch: TransitionBatch, importanceWeights: [Float], using generator: inout SeededGenerator)
        -> (metrics: UpdateMetrics, priorities: [Float]) {
        precondition(batch.count % sequenceLength == 0, "a batch of runs of \(sequenceLength) transitions, not \(batch.count) rows")
        let rows = batch.count / sequenceLength
        precondition(importanceWeights.count == rows, "one importance weight per \(sequenceLength == 1 ? "row" : "run"): \(rows), not \(importanceWeights.count)")
        let weights = FloatBuffer(count: rows)
        weights.base.update(from: importanceWeights, count: rows)
        self.importanceWeights = weights
        defer { self.importanceWeights = nil }
        let metrics = update(on: batch, using: &generator)
        return (metrics, critics.meanAbsoluteErrors(rows: rows))
    }
}
