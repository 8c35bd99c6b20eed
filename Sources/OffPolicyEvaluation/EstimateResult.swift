/// One estimator's result. Values that are undefined (a weighted estimate whose weights are all zero) or
/// do not apply (FQE has no weights) are nil.
public struct EstimateResult: Codable, Equatable, Sendable {
    public var estimator: Estimator
    /// The estimate of the expected discounted return from the dataset's start states.
    public var value: Double?
    /// The 95% percentile bootstrap interval over episodes. For FQE, DR and WDR the one fitted Q-model is kept:
    /// the bootstrap resamples episodes (their start-state values, or their DR terms), not the fit.
    public var lower: Double?
    public var upper: Double?
    /// (Σ w)² / Σ w² of the weights (`OffPolicyEstimate.effectiveSampleSize(_:episodes:)`).
    public var effectiveSampleSize: Double?
    /// The share of episodes with a clipped step ratio, and with a zero trajectory weight.
    public var clippedShare: Double?
    public var zeroShare: Double?

    public init(estimator: Estimator, value: Double?, lower: Double?, upper: Double?, effectiveSampleSize: Double?,
                clippedShare: Double?, zeroShare: Double?) {
        self.estimator = estimator
        self.value = value
        self.lower = lower
        self.upper = upper
        self.effectiveSampleSize = effectiveSampleSize
        self.clippedShare = clippedShare
        self.zeroShare = zeroShare
    }
}
