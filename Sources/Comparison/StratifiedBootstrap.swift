import Randomness

/// Stratified bootstrap confidence intervals, as rliable 1.2's `StratifiedBootstrap` and
/// `get_interval_estimates` make them: each repetition resamples, within every task on its own, as
/// many runs as the task has, with replacement, and evaluates the statistic on the resampled scores;
/// the interval is read from the repetitions by ``IntervalMethod``. Seeded, so reproducible.
public struct StratifiedBootstrap: Equatable, Sendable, Codable {
    /// rliable's default for performance profiles, and the paper's figures: 2,000 repetitions.
    public static let defaultRepetitions = 2_000

    public var repetitions: Int
    /// The interval's coverage, 0.95 by default.
    public var confidence: Double
    public var method: IntervalMethod
    public var seed: UInt64

    public init(repetitions: Int = StratifiedBootstrap.defaultRepetitions, confidence: Double = 0.95,
                method: IntervalMethod = .percentile, seed: UInt64 = 0) {
        precondition(repetitions > 0 && confidence > 0 && confidence < 1, "at least one repetition and a confidence in (0, 1)")
        self.repetitions = repetitions
        self.confidence = confidence
        self.method = method
        self.seed = seed
    }

    /// This bootstrap with another seed (the same repetitions, confidence and method).
    public func seeded(_ seed: UInt64) -> StratifiedBootstrap {
        var copy = self
        copy.seed = seed
        return copy
    }

    /// One stratified resample of `scores`: every task gets as many runs, drawn with replacement from its own.
    public static func resample(_ scores: ScoreMatrix, using generator: inout SeededGenerator) -> ScoreMatrix {
        ScoreMatrix(checkedTasks: scores.tasks, scores: scores.scores.map { runs in
            (0..<runs.count).map { _ in runs[generator.nextIndex(below: runs.count)] }
        })
    }

    /// The interval of a statistic of one algorithm's scores.
    public func interval(of statistic: (ScoreMatrix) -> Double, scores: ScoreMatrix) -> IntervalEstimate {
        intervals(of: { [statistic($0)] }, scores: scores)[0]
    }

    /// The interval of each component of a statistic with several values (a performance profile's
    /// value at every τ), all from the same repetitions.
    public func intervals(of statistic: (ScoreMatrix) -> [Double], scores: ScoreMatrix) -> [IntervalEstimate] {
        let base = statistic(scores)
        var generator = SeededGenerator(seed: seed)
        var values = [[Double]](repeating: [], count: base.count)
        for index in values.indices { values[index].reserveCapacity(repetitions) }
        for _ in 0..<repetitions {
            let result = statistic(Self.resample(scores, using: &generator))
            for index in values.indices { values[index].append(result[index]) }
        }
        let accelerations = method == .bca ? Self.accelerations(of: statistic, scores: scores, count: base.count) : nil
        return base.indices.map { index in
            read(values[index], estimate: base[index], acceleration: accelerations?[index])
        }
    }

    /// The interval of a statistic of two algorithms' scores (the probability of improvement), each
    /// resampled on its own in every repetition, as rliable's `StratifiedIndependentBootstrap` does.
    /// Always a percentile interval: BCa's jackknife is not defined for two samples of different sizes,
    /// and rliable reports this statistic with percentile intervals.
    public func interval(of statistic: (ScoreMatrix, ScoreMatrix) -> Double, _ x: ScoreMatrix, _ y: ScoreMatrix) -> IntervalEstimate {
        let base = statistic(x, y)
        var generator = SeededGenerator(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(repetitions)
        for _ in 0..<repetitions {
            let resampledX = Self.resample(x, using: &generator)
            values.append(statistic(resampledX, Self.resample(y, using: &generator)))
        }
        return read(values, estimate: base, acceleration: nil)
    }

    /// The interval from the repetitions' `values`: percentile, or BCa when there is an acceleration
    /// and the bias is defined.
    func read(_ values: [Double], estimate: Double, acceleration: Double?) -> IntervalEstimate {
        let sorted = values.sorted()
        let alpha = (1 - confidence) / 2
        var levels = (alpha, 1 - alpha)
        var used = IntervalMethod.percentile
        if let acceleration {
            let below = Double(values.filter { $0 < estimate }.count) / Double(values.count)
            if below > 0 && below < 1 {
                let bias = NormalDistribution.quantile(below)
                func level(_ probability: Double) -> Double {
                    let z = bias + NormalDistribution.quantile(probability)
                    return NormalDistribution.cumulative(bias + z / (1 - acceleration * z))
                }
                levels = (level(alpha), level(1 - alpha))
                used = .bca
            }
        }
        return IntervalEstimate(estimate: estimate, lower: Statistics.quantile(sorted: sorted, levels.0),
                                upper: Statistics.quantile(sorted: sorted, levels.1), method: used)
    }

    /// BCa's acceleration of each component, from the leave-one-run-out jackknife: leaving out run i
    /// leaves it out of every task that has one (arch leaves out row i of the runs × tasks matrix).
    /// Nil when a task has a single run or the jackknife estimates do not spread, so that BCa is not defined.
    static func accelerations(of statistic: (ScoreMatrix) -> [Double], scores: ScoreMatrix, count: Int) -> [Double?]? {
        guard scores.scores.allSatisfy({ $0.count > 1 }) else { return nil }
        let jackknife = (0..<scores.maximumRuns).map { left in
            statistic(ScoreMatrix(checkedTasks: scores.tasks, scores: scores.scores.map { runs in
                runs.indices.filter { $0 != left }.map { runs[$0] }
            }))
        }
        return (0..<count).map { index in
            let estimates = jackknife.map { $0[index] }
            let mean = estimates.reduce(0, +) / Double(estimates.count)
            let deviations = estimates.map { mean - $0 }
            let cubes = deviations.reduce(0) { $0 + $1 * $1 * $1 }
            let squares = deviations.reduce(0) { $0 + $1 * $1 }
            let denominator = 6 * squares * squares.squareRoot()
            guard denominator > 0, denominator >= abs(cubes) * Double.ulpOfOne else { return nil }
            return cubes / denominator
        }
    }
}
