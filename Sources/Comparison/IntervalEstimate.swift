/// A point estimate with its bootstrap confidence interval.
public struct IntervalEstimate: Equatable, Sendable, Codable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
    /// How the interval was read; `.percentile` also when BCa was asked for but is not defined for
    /// these scores (every bootstrap value on one side of the estimate, or no jackknife spread).
    public var method: IntervalMethod

    public init(estimate: Double, lower: Double, upper: Double, method: IntervalMethod = .percentile) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.method = method
    }
}
