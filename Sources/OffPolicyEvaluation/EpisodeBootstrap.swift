import Comparison
import Randomness

/// Percentile bootstrap intervals over episodes: each resample draws n episode indices with replacement
/// from a generator seeded with `seed`, so every estimator of one evaluation sees the same resamples.
public enum EpisodeBootstrap {
    /// The central `confidence` percentile interval of `statistic` over `resamples` resamples of
    /// `episodes` episodes (quantiles as numpy's default). Resamples whose statistic is not finite (a weighted
    /// estimate whose drawn weights are all zero) are left out; nil when none is finite.
    public static func interval(episodes: Int, resamples: Int, seed: UInt64, confidence: Double = 0.95,
                                statistic: ([Int]) -> Double) -> (lower: Double, upper: Double)? {
        precondition(episodes > 0 && resamples > 0, "a bootstrap needs episodes and resamples")
        var generator = SeededGenerator(seed: seed, stream: 11)
        var sample = [Int](repeating: 0, count: episodes)
        var values: [Double] = []
        values.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for slot in 0..<episodes { sample[slot] = generator.nextIndex(below: episodes) }
            let value = statistic(sample)
            if value.isFinite { values.append(value) }
        }
        guard !values.isEmpty else { return nil }
        values.sort()
        let tail = (1 - confidence) / 2
        return (Statistics.quantile(sorted: values, tail), Statistics.quantile(sorted: values, 1 - tail))
    }
}
