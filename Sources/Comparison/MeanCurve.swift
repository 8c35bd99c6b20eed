/// The mean over seeds of one algorithm's learning curves, with a 95% bootstrap band, on a step
/// grid every seed covers.
///
/// Seeds may be evaluated at different steps (an on-policy learner evaluates at the end of a
/// rollout). The grid is every step at which any seed was evaluated, within the range all seeds
/// cover (from the latest first evaluation to the earliest last one); each seed's return at a grid
/// step is interpolated linearly between its own evaluations around it. Seeds evaluated at the
/// same steps are therefore averaged exactly, with no interpolation.
public struct MeanCurve: Equatable, Sendable {
    public var algorithm: String
    /// How many seeds the mean is over.
    public var seeds: Int
    public var steps: [Int]
    public var mean: [Double]
    /// The percentile-bootstrap 95% interval of the mean at each step (the mean itself for one seed).
    public var lower: [Double]
    public var upper: [Double]

    /// A curve given point by point (an ``IQMCurve`` drawn by ``LearningCurveChart``).
    public init(algorithm: String, seeds: Int, steps: [Int], mean: [Double], lower: [Double], upper: [Double]) {
        self.algorithm = algorithm
        self.seeds = seeds
        self.steps = steps
        self.mean = mean
        self.lower = lower
        self.upper = upper
    }

    /// The mean curve of `curves` (one algorithm's seeds); nil when they share no step range.
    /// The band at grid step i uses the bootstrap seed `bootstrapSeed + i`.
    public init?(algorithm: String, curves: [LearningCurve], bootstrapSeed: UInt64 = 0, resamples: Int = 2_000) {
        let nonEmpty = curves.filter { !$0.points.isEmpty }
        guard !nonEmpty.isEmpty else { return nil }
        let start = nonEmpty.map { $0.points.first!.steps }.max()!
        let end = nonEmpty.map { $0.points.last!.steps }.min()!
        guard start <= end else { return nil }
        let grid = Set(nonEmpty.flatMap { $0.points.map(\.steps) }).filter { $0 >= start && $0 <= end }.sorted()
        self.algorithm = algorithm
        seeds = nonEmpty.count
        steps = grid
        mean = []
        lower = []
        upper = []
        for (index, step) in grid.enumerated() {
            let values = nonEmpty.map { $0.value(at: step)! }
            let interval = BootstrapInterval(values: values, resamples: resamples, seed: bootstrapSeed &+ UInt64(index))!
            mean.append(interval.mean)
            lower.append(interval.lower)
            upper.append(interval.upper)
        }
    }
}
