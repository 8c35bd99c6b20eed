/// The statistics of Agarwal et al. 2021 over a comparison's tasks, as rliable 1.2 defines them: every
/// run's final evaluation normalised by its task's ``TaskReference``, then per algorithm the
/// ``AggregateMetric``s with stratified-bootstrap intervals, the probability of improvement of every
/// algorithm over every other, performance profiles and IQM sample-efficiency curves.
///
/// Seeds: the aggregates of algorithm i use the bootstrap's seed + i; the improvement of pair k (in the
/// order of `improvements`) seed + 1,000 + k; the profile of algorithm i seed + 2,000 + i; the IQM curve
/// of algorithm i seed + 10,000 · (i + 1) + (evaluation point).
public struct AggregateComparison: Sendable {
    /// P(X > Y) of one ordered pair.
    public struct Improvement: Equatable, Sendable {
        public var algorithm: String
        public var over: String
        public var probability: IntervalEstimate
    }

    public var algorithms: [String]
    public var tasks: [String]
    public var references: [TaskReference]
    public var bootstrap: StratifiedBootstrap
    /// Per algorithm, the final normalised scores of its runs, `scores[algorithm].scores[task][run]`.
    public var scores: [String: ScoreMatrix]
    /// Per algorithm, its four aggregates with intervals.
    public var aggregates: [String: [AggregateMetric: IntervalEstimate]]
    /// Every ordered pair of different algorithms, in the order of `algorithms`.
    public var improvements: [Improvement]
    public var profiles: [PerformanceProfile]
    public var iqmCurves: [IQMCurve]

    /// The statistics of `curves`, each with its `task` set to one of `tasks` (whose references are
    /// `references`, in the same order). Algorithms in `algorithms` that have no finished run on some
    /// task are left out of every statistic (their tasks would not match the others'). Throws when a
    /// run's final evaluation is not finite.
    public init(curves: [LearningCurve], algorithms: [String], tasks: [String], references: [TaskReference],
                bootstrap: StratifiedBootstrap, profilePoints: Int = 101) throws {
        precondition(tasks.count == references.count, "a reference per task")
        self.tasks = tasks
        self.references = references
        self.bootstrap = bootstrap
        let complete = algorithms.filter { algorithm in
            tasks.allSatisfy { task in curves.contains { $0.algorithm == algorithm && $0.task == task && $0.hasEvaluations } }
        }
        self.algorithms = complete
        func runs(_ algorithm: String, _ task: String) -> [LearningCurve] {
            curves.filter { $0.algorithm == algorithm && $0.task == task && $0.hasEvaluations }
        }
        var scores: [String: ScoreMatrix] = [:]
        for algorithm in complete {
            scores[algorithm] = try ScoreMatrix(tasks: tasks, scores: tasks.indices.map { index in
                runs(algorithm, tasks[index]).map { references[index].score($0.finalValue!) }
            })
        }
        self.scores = scores
        var aggregates: [String: [AggregateMetric: IntervalEstimate]] = [:]
        for (index, algorithm) in complete.enumerated() {
            let intervals = bootstrap.seeded(bootstrap.seed &+ UInt64(index)).intervals(
                of: { matrix in AggregateMetric.allCases.map { $0.value(of: matrix) } }, scores: scores[algorithm]!)
            aggregates[algorithm] = Dictionary(uniqueKeysWithValues: zip(AggregateMetric.allCases, intervals))
        }
        self.aggregates = aggregates
        var improvements: [Improvement] = []
        for x in complete {
            for y in complete where y != x {
                let pair = bootstrap.seeded(bootstrap.seed &+ 1_000 &+ UInt64(improvements.count))
                improvements.append(Improvement(algorithm: x, over: y,
                                                probability: pair.interval(of: ProbabilityOfImprovement.value, scores[x]!, scores[y]!)))
            }
        }
        self.improvements = improvements
        let thresholds = PerformanceProfile.thresholds(covering: complete.map { scores[$0]! }, count: profilePoints)
        profiles = complete.enumerated().map { index, algorithm in
            PerformanceProfile(algorithm: algorithm, scores: scores[algorithm]!, thresholds: thresholds,
                               bootstrap: bootstrap.seeded(bootstrap.seed &+ 2_000 &+ UInt64(index)))
        }
        iqmCurves = complete.enumerated().compactMap { index, algorithm in
            IQMCurve(algorithm: algorithm, curves: tasks.map { runs(algorithm, $0) },
                     score: { references[$0].score($1) },
                     bootstrap: bootstrap.seeded(bootstrap.seed &+ 10_000 &* UInt64(index + 1)))
        }
    }

    /// The columns summary.csv adds for the aggregates: each metric's estimate and interval.
    public static let csvColumns = AggregateMetric.allCases.map { metric in
        [metric.columnName, metric.columnName + "_ci_low", metric.columnName + "_ci_high"].joined(separator: ",")
    }.joined(separator: ",")

    /// The fields of `csvColumns` for `algorithm` over every task, or over the task at `taskIndex`
    /// alone (a matrix of one task: its runs' statistics, with intervals of its own from the same
    /// bootstrap settings, seeded by the algorithm's aggregate seed + 100 · (task + 1)). Empty fields
    /// for an algorithm left out.
    public func csvFields(algorithm: String, taskIndex: Int? = nil) -> [String] {
        guard let index = algorithms.firstIndex(of: algorithm), let matrix = scores[algorithm] else {
            return Array(repeating: "", count: AggregateMetric.allCases.count * 3)
        }
        let values: [IntervalEstimate]
        if let taskIndex {
            let single = ScoreMatrix(checkedTasks: [tasks[taskIndex]], scores: [matrix.scores[taskIndex]])
            values = bootstrap.seeded(bootstrap.seed &+ UInt64(index) &+ 100 &* UInt64(taskIndex + 1))
                .intervals(of: { m in AggregateMetric.allCases.map { $0.value(of: m) } }, scores: single)
        } else {
            values = AggregateMetric.allCases.map { aggregates[algorithm]![$0]! }
        }
        return values.flatMap { ["\($0.estimate)", "\($0.lower)", "\($0.upper)"] }
    }

    /// improvement.csv: a row per ordered pair, `algo,over,probability,ci_low,ci_high`.
    public var improvementCSV: String {
        var text = "algo,over,probability_of_improvement,ci_low,ci_high\n"
        for row in improvements {
            text += "\(row.algorithm),\(row.over),\(row.probability.estimate),\(row.probability.lower),\(row.probability.upper)\n"
        }
        return text
    }

    /// The terminal table of the aggregates, then the lines naming each task's reference.
    public var table: String {
        let header = ["algo"] + AggregateMetric.allCases.map { $0.title + " (95% CI)" }
        let lines = algorithms.map { algorithm in
            [algorithm] + AggregateMetric.allCases.map { metric in
                let value = aggregates[algorithm]![metric]!
                return "\(Self.twoDecimals(value.estimate)) [\(Self.twoDecimals(value.lower)), \(Self.twoDecimals(value.upper))]"
            }
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max()! }
        let rows = ([header] + lines).map { cells in
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var text = "Over \(tasks.count) task\(tasks.count == 1 ? "" : "s") (\(tasks.joined(separator: ", "))), normalised scores, "
            + "\(bootstrap.method == .bca ? "BCa" : "percentile") stratified-bootstrap intervals of \(bootstrap.repetitions) repetitions:\n"
        text += rows.joined(separator: "\n") + "\n"
        if bootstrap.method == .bca {
            let fallen = algorithms.filter { algorithm in aggregates[algorithm]!.values.contains { $0.method == .percentile } }
            if !fallen.isEmpty {
                text += "Note: BCa is not defined for some intervals of \(fallen.joined(separator: ", ")) (every bootstrap value on one side of the estimate, or no jackknife spread); those are percentile intervals.\n"
            }
        }
        text += "\nScore references (score = (return − min)/(max − min)):\n"
        text += references.map { "  " + $0.description }.joined(separator: "\n") + "\n"
        return text
    }

    static func twoDecimals(_ value: Double) -> String {
        let text = String(format: "%.2f", value)
        return text == "-0.00" ? "0.00" : text
    }
}
