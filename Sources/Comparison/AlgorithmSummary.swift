/// One row of the comparison table: an algorithm's results over its seeds.
public struct AlgorithmSummary: Equatable, Sendable {
    public var algorithm: String
    /// Whether the learner learns on-policy (REINFORCE, A2C, PPO), from the registry.
    public var isOnPolicy: Bool
    public var seeds: Int
    /// How many seeds had an evaluation at or above the threshold.
    public var seedsReached: Int
    /// The median over all seeds of the steps of the first evaluation at or above the threshold, a
    /// seed that never reached it counting as infinitely many; `.infinity` when the median seed did
    /// not reach it.
    public var medianStepsToThreshold: Double
    /// The last evaluation's return: mean over seeds and its 95% percentile-bootstrap interval.
    public var finalReturn: BootstrapInterval
    /// Area under the curve as an average return: the mean over seeds of each curve's trapezoid
    /// integral of return over steps, divided by the steps it spans (`LearningCurve.averageValue`).
    public var areaUnderCurve: Double
    /// The 95% percentile-bootstrap interval of that mean over seeds (its `mean` is `areaUnderCurve`).
    public var areaUnderCurveInterval: BootstrapInterval
    /// Off-policy rows: how many times fewer steps than the fastest on-policy algorithm this one
    /// needs (its median over this median). Nil when it cannot be said.
    public var fewerStepsFactor: FewerStepsFactor?
    /// With a ``ScoreNormalization``: the final evaluation's normalised score, mean over seeds and its
    /// 95% percentile-bootstrap interval, computed from each seed's score (resampling the same seeds as
    /// `finalReturn`). Nil without one.
    public var finalScore: BootstrapInterval?
    /// With a ``ScoreNormalization``: the AUC of each seed's normalised curve (its average score), mean
    /// over seeds and 95% interval. Nil without one.
    public var areaUnderCurveScore: BootstrapInterval?

    /// `reference median steps / this median steps`; `isLowerBound` when no on-policy algorithm's
    /// median seed reached the threshold within its run, so only a lower bound is known.
    public struct FewerStepsFactor: Equatable, Sendable {
        public var value: Double
        public var isLowerBound: Bool

        public init(value: Double, isLowerBound: Bool) {
            self.value = value
            self.isLowerBound = isLowerBound
        }
        /// "3.2" or ">12.5".
        public var text: String { (isLowerBound ? ">" : "") + Self.format(value) }

        static func format(_ value: Double) -> String {
            value >= 100 ? String(format: "%.0f", value) : value >= 10 ? String(format: "%.1f", value) : String(format: "%.2f", value)
        }
    }
}
