/// The sample-efficiency curve of Agarwal et al. 2021: one algorithm's IQM over every run on every
/// task at each evaluation point, with a stratified-bootstrap interval at each point (rliable's
/// `get_interval_estimates` on a runs × tasks × points array, whose resampling draws afresh at
/// every point).
public struct IQMCurve: Equatable, Sendable {
    public var algorithm: String
    /// The evaluation points: steps at which every run on every task was evaluated or lies between
    /// two of its evaluations (the union of the runs' evaluation steps within the range all cover).
    public var steps: [Int]
    /// At each step, the IQM of the normalised scores with its interval.
    public var values: [IntervalEstimate]

    /// The curve of `curves[task]` (each task's runs of one algorithm), each return mapped to a score by
    /// `score(task, return)`; at step i the interval uses `bootstrap` seeded with its seed + i. Nil when
    /// a task has no run with evaluations or the runs share no step range. A run's value between two
    /// of its evaluations is interpolated linearly, as ``MeanCurve`` does.
    public init?(algorithm: String, curves: [[LearningCurve]], score: (Int, Double) -> Double, bootstrap: StratifiedBootstrap) {
        let tasks = curves.map { $0.filter { !$0.points.isEmpty } }
        guard !tasks.isEmpty, tasks.allSatisfy({ !$0.isEmpty }) else { return nil }
        let all = tasks.flatMap { $0 }
        let start = all.map { $0.points.first!.steps }.max()!
        let end = all.map { $0.points.last!.steps }.min()!
        guard start <= end else { return nil }
        self.algorithm = algorithm
        steps = Set(all.flatMap { $0.points.map(\.steps) }).filter { $0 >= start && $0 <= end }.sorted()
        var values: [IntervalEstimate] = []
        for (index, step) in steps.enumerated() {
            let scores = tasks.enumerated().map { task, runs in runs.map { score(task, $0.value(at: step)!) } }
            guard let matrix = try? ScoreMatrix(scores: scores) else { return nil }
            values.append(bootstrap.seeded(bootstrap.seed &+ UInt64(index))
                .interval(of: AggregateMetric.interquartileMean.value, scores: matrix))
        }
        self.values = values
    }
}
