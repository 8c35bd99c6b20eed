/// The probability that a run of algorithm X scores higher than a run of algorithm Y on a task,
/// averaged over tasks, as rliable 1.2's `metrics.probability_of_improvement` defines it.
public enum ProbabilityOfImprovement {
    /// P(X > Y) of one task: the Mann-Whitney U statistic of `x` against `y` divided by nₓ·n_y, that is
    /// the share of pairs (a run of X, a run of Y) in which X's run scores higher, a tie counting one half.
    public static func task(_ x: [Double], _ y: [Double]) -> Double {
        precondition(!x.isEmpty && !y.isEmpty, "runs of both algorithms")
        var wins = 0.0
        for a in x {
            for b in y where a >= b { wins += a > b ? 1 : 0.5 }
        }
        return wins / Double(x.count * y.count)
    }

    /// The mean over tasks of P(Xₘ > Yₘ); the two matrices hold the same tasks in the same order.
    public static func value(_ x: ScoreMatrix, _ y: ScoreMatrix) -> Double {
        precondition(x.scores.count == y.scores.count, "the same tasks for both algorithms")
        let perTask = zip(x.scores, y.scores).map { task($0, $1) }
        return perTask.reduce(0, +) / Double(perTask.count)
    }
}
