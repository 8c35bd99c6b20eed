/// A performance profile (score distribution) of one algorithm, as rliable 1.2's
/// `create_performance_profile` makes it by default: at every threshold τ, the share of all runs on
/// all tasks whose score is above τ (strictly), with a stratified-bootstrap interval at every τ.
public struct PerformanceProfile: Equatable, Sendable {
    public var algorithm: String
    /// The τ grid, increasing.
    public var thresholds: [Double]
    /// At each τ, the share of runs above it with its interval.
    public var fractions: [IntervalEstimate]

    /// The profile of `scores` over `thresholds`; the intervals come from `bootstrap`, every τ from the
    /// same repetitions.
    public init(algorithm: String, scores: ScoreMatrix, thresholds: [Double], bootstrap: StratifiedBootstrap) {
        self.algorithm = algorithm
        self.thresholds = thresholds
        fractions = bootstrap.intervals(of: { Self.fractions(of: $0, above: thresholds) }, scores: scores)
    }

    /// The share of the pooled scores above each τ.
    public static func fractions(of scores: ScoreMatrix, above thresholds: [Double]) -> [Double] {
        let pooled = scores.pooled
        return thresholds.map { tau in Double(pooled.filter { $0 > tau }.count) / Double(pooled.count) }
    }

    /// `count` evenly spaced thresholds (numpy's `linspace`) from min(0, the lowest score) to
    /// max(1, the highest score) of every matrix, so that the reference range is always covered.
    public static func thresholds(covering matrices: [ScoreMatrix], count: Int = 101) -> [Double] {
        precondition(count > 1, "at least two thresholds")
        let all = matrices.flatMap(\.pooled)
        let low = min(0, all.min() ?? 0), high = max(1, all.max() ?? 1)
        let step = (high - low) / Double(count - 1)
        return (0..<count).map { $0 == count - 1 ? high : low + Double($0) * step }
    }
}
