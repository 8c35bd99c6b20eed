/// The aggregate point estimates of Agarwal et al. 2021 ("Deep Reinforcement Learning at the Edge of
/// the Statistical Precipice"), defined as rliable 1.2's `rliable/metrics.py` defines them, over the
/// normalised scores of runs × tasks (1 is the reference maximum, 0 its minimum).
public enum AggregateMetric: String, CaseIterable, Codable, Sendable {
    /// The median over tasks of each task's mean over runs (`aggregate_median`).
    case median
    /// The interquartile mean: the 25% trimmed mean of every run's score on every task pooled, as
    /// `scipy.stats.trim_mean(scores, 0.25, axis=None)` takes it (`aggregate_iqm`).
    case interquartileMean = "iqm"
    /// The mean over tasks of each task's mean over runs (`aggregate_mean`).
    case mean
    /// γ minus the mean over all runs and tasks of min(score, γ), with γ = 1 (`aggregate_optimality_gap`):
    /// how far the runs fall short of the reference maximum. Lower is better.
    case optimalityGap = "optimality_gap"

    /// The name of a CSV column or a chart panel: "median", "iqm", "mean", "optimality_gap".
    public var columnName: String { rawValue }

    /// The name a person reads: "Median", "IQM", "Mean", "Optimality gap".
    public var title: String {
        switch self {
        case .median: return "Median"
        case .interquartileMean: return "IQM"
        case .mean: return "Mean"
        case .optimalityGap: return "Optimality gap"
        }
    }

    /// The metric of `scores`.
    public func value(of scores: ScoreMatrix) -> Double {
        switch self {
        case .median: return Statistics.median(scores.taskMeans)!
        case .interquartileMean: return Self.trimmedMean(scores.pooled, proportion: 0.25)
        case .mean: return Statistics.mean(scores.taskMeans)!
        case .optimalityGap: return Self.optimalityGap(scores.pooled, gamma: 1)
        }
    }

    /// The mean of `values` without the ⌊proportion · n⌋ smallest and the ⌊proportion · n⌋ largest
    /// (scipy's `trim_mean`: the cut is truncated, never rounded). With 15 values and 0.25, the 3
    /// smallest and 3 largest go and the mean is of the middle 9.
    public static func trimmedMean(_ values: [Double], proportion: Double) -> Double {
        precondition(!values.isEmpty && proportion >= 0 && proportion < 0.5, "a trimmed mean of values, cutting less than half at each end")
        let sorted = values.sorted()
        let cut = Int(proportion * Double(sorted.count))
        let kept = sorted[cut..<(sorted.count - cut)]
        return kept.reduce(0, +) / Double(kept.count)
    }

    /// γ − mean(min(value, γ)).
    public static func optimalityGap(_ values: [Double], gamma: Double) -> Double {
        gamma - values.reduce(0) { $0 + min($1, gamma) } / Double(values.count)
    }
}
