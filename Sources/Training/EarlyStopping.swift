import RunFiles

/// Stops a run at an evaluation whose mean return reaches `returnThreshold` (Stable-Baselines3's
/// `StopTrainingOnRewardThreshold`), and/or once `patience` evaluations in a row have not improved on
/// the best mean return (SB3's `StopTrainingOnNoModelImprovement` with `max_no_improvement_evals`).
///
/// A resumed run counts the evaluations `progress.csv` already holds towards the best return and the
/// patience; only new evaluations are held against the threshold.
public final class EarlyStopping: TrainingCallback {
    /// Stop at an evaluation whose mean return is at least this; nil: no threshold.
    public let returnThreshold: Double?
    /// Stop after this many evaluations in a row without a new best mean return; nil: no patience limit.
    public let patience: Int?
    /// The best mean evaluation return of the run so far (nil before the first finite one).
    public private(set) var bestReturn: Double?
    /// Evaluations since the best one.
    public private(set) var evaluationsWithoutImprovement = 0

    /// Give a threshold, a patience (at least 1), or both; the run refuses to start otherwise.
    public init(returnThreshold: Double? = nil, patience: Int? = nil) {
        self.returnThreshold = returnThreshold
        self.patience = patience
    }

    public func runWillStart(_ run: RunCore) throws {
        guard returnThreshold != nil || patience != nil else {
            throw TrainingError.invalidConfig("EarlyStopping needs a return threshold, a patience, or both")
        }
        if let patience, patience < 1 { throw TrainingError.invalidConfig("EarlyStopping's patience must be at least 1, got \(patience)") }
        if let threshold = returnThreshold, !threshold.isFinite {
            throw TrainingError.invalidConfig("EarlyStopping's return threshold must be finite, got \(threshold)")
        }
        (bestReturn, evaluationsWithoutImprovement) = (nil, 0)
        for row in try run.progressRows() { note(row.evaluationReturnMean) }
    }

    public func afterEvaluation(_ row: ProgressRow, of run: RunCore) throws -> CallbackDecision {
        let value = row.evaluationReturnMean
        note(value)
        if let threshold = returnThreshold, value >= threshold {
            return .stop(reason: "the evaluation return \(value) at step \(run.steps) reached the threshold \(threshold)")
        }
        if let patience, evaluationsWithoutImprovement >= patience, let bestReturn {
            let count = evaluationsWithoutImprovement == 1 ? "1 evaluation" : "\(evaluationsWithoutImprovement) evaluations in a row"
            return .stop(reason: "\(count) did not improve on the best return \(bestReturn)")
        }
        return .proceed
    }

    /// Counts one evaluation's mean return (NaN counts as no improvement).
    private func note(_ value: Double) {
        if !value.isNaN, bestReturn.map({ value > $0 }) ?? true {
            bestReturn = value
            evaluationsWithoutImprovement = 0
        } else {
            evaluationsWithoutImprovement += 1
        }
    }
}
