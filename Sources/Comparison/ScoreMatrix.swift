/// Scores of one algorithm over runs and tasks: `scores[task][run]`, each a final (normalised) score.
///
/// rliable arranges the same numbers as a `num_runs × num_tasks` matrix. Here a task may have fewer
/// runs than another (a run that failed); every statistic that rliable defines on the rectangular
/// matrix is defined here so that it gives rliable's value when the runs per task are equal.
public struct ScoreMatrix: Equatable, Sendable {
    /// The tasks' names, in the order of `scores`.
    public var tasks: [String]
    /// `scores[task][run]`.
    public var scores: [[Double]]

    /// Refuses no tasks, a task without runs, a score that is not finite and a name count that differs
    /// from the tasks'.
    public init(tasks: [String], scores: [[Double]]) throws {
        guard !scores.isEmpty else { throw ComparisonError.invalidScores("a score matrix needs at least one task") }
        guard tasks.count == scores.count else {
            throw ComparisonError.invalidScores("\(tasks.count) task names for \(scores.count) tasks of scores")
        }
        if let empty = scores.firstIndex(where: \.isEmpty) {
            throw ComparisonError.invalidScores("task \(tasks[empty]) has no runs")
        }
        for (task, runs) in zip(tasks, scores) {
            if let bad = runs.first(where: { !$0.isFinite }) {
                throw ComparisonError.invalidScores("task \(task) has a score that is not finite (\(bad))")
            }
        }
        self.tasks = tasks
        self.scores = scores
    }

    /// Scores without names ("task 0", "task 1", ...): `scores[task][run]`.
    public init(scores: [[Double]]) throws {
        try self.init(tasks: scores.indices.map { "task \($0)" }, scores: scores)
    }

    /// A matrix whose validity the caller has already checked.
    init(checkedTasks tasks: [String], scores: [[Double]]) {
        self.tasks = tasks
        self.scores = scores
    }

    /// rliable's `num_runs × num_tasks` layout, `rows[run][task]`, read into tasks' columns.
    public init(runsByTasks rows: [[Double]]) throws {
        guard let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) else {
            throw ComparisonError.invalidScores("the rows of a runs × tasks matrix must have one length")
        }
        try self.init(scores: (0..<width).map { task in rows.map { $0[task] } })
    }

    /// Every score, task by task.
    public var pooled: [Double] { scores.flatMap { $0 } }

    /// The mean over runs of each task.
    public var taskMeans: [Double] { scores.map { $0.reduce(0, +) / Double($0.count) } }

    /// The most runs of any task.
    public var maximumRuns: Int { scores.map(\.count).max()! }
}
