import Randomness

/// A percentile-bootstrap confidence interval of a mean (Efron and Tibshirani 1993, ch. 13): the
/// values are resampled with replacement `resamples` times, and the interval is the central
/// `confidence` share of the resampled means. A seeded generator makes it reproducible.
public struct BootstrapInterval: Equatable, Sendable {
    public var mean: Double
    public var lower: Double
    public var upper: Double

    /// 10,000 resamples: the percentile ends then move by well under 1% of the spread between seeds.
    public static let defaultResamples = 10_000

    public init(mean: Double, lower: Double, upper: Double) {
        self.mean = mean
        self.lower = lower
        self.upper = upper
    }

    /// The interval of the mean of `values`; a single value gives the point interval, and values of
    /// which one is not finite give the mean as both ends. Nil for no values.
    public init?(values: [Double], confidence: Double = 0.95, resamples: Int = BootstrapInterval.defaultResamples,
                 seed: UInt64) {
        guard let mean = Statistics.mean(values) else { return nil }
        precondition(confidence > 0 && confidence < 1 && resamples > 0, "a confidence in (0, 1) and at least one resample")
        // A value that is not finite (a run whose last evaluation was NaN) leaves the interval unknown.
        guard values.count > 1, values.allSatisfy(\.isFinite) else {
            self.init(mean: mean, lower: mean, upper: mean)
            return
        }
        var generator = SeededGenerator(seed: seed)
        var means = [Double](repeating: 0, count: resamples)
        for index in means.indices {
            var sum = 0.0
            for _ in values.indices { sum += values[generator.nextIndex(below: values.count)] }
            means[index] = sum / Double(values.count)
        }
        means.sort()
        let tail = (1 - confidence) / 2
        self.init(mean: mean, lower: Statistics.quantile(sorted: means, tail), upper: Statistics.quantile(sorted: means, 1 - tail))
    }
}
