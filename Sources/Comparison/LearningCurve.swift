/// The evaluations of one run (one algorithm, one seed), in increasing step order. An online run's
/// steps are environment steps; an offline run's (`offline`) are learner updates, since it takes no
/// environment step.
public struct LearningCurve: Equatable, Sendable {
    /// The learner's name ("sac"), which groups curves into one line of a chart or table.
    public var algorithm: String
    public var seed: UInt64
    /// Evaluations by increasing `steps`; a step appears once.
    public var points: [CurvePoint]
    /// The run's last evaluation when its return is not finite (NaN or infinite), after the last of
    /// `points`; nil when the last evaluation is finite. Such a run's final return is not known: an
    /// earlier evaluation never stands in for it (`finalValue` and `averageValue` are this value).
    public var nonFiniteFinal: CurvePoint?
    /// Whether the run trained offline, so that its steps count updates rather than environment steps.
    public var offline: Bool
    /// The task (environment) of the run in a comparison over several tasks; nil otherwise.
    public var task: String?

    public init(algorithm: String, seed: UInt64, points: [CurvePoint], nonFiniteFinal: CurvePoint? = nil, offline: Bool = false,
                task: String? = nil) {
        self.task = task
        self.algorithm = algorithm
        self.seed = seed
        self.points = points
        self.nonFiniteFinal = nonFiniteFinal
        self.offline = offline
    }

    /// The name of the horizontal axis of a chart of `curves`: "environment steps", "updates" when
    /// every curve is offline, or "environment steps (offline runs: updates)" when they mix.
    public static func axisLabel(of curves: [LearningCurve]) -> String {
        let offline = curves.filter(\.offline).count
        if offline == 0 { return "environment steps" }
        if offline == curves.count { return "updates" }
        return "environment steps (offline runs: updates)"
    }

    /// A line telling which axis a chart or table of `curves` uses; nil when every run is online.
    public static func axisNote(of curves: [LearningCurve]) -> String? {
        let offline = curves.filter(\.offline).count
        if offline == 0 { return nil }
        if offline == curves.count { return "the runs trained offline: steps are learner updates" }
        return "the runs mix online and offline training: steps are environment steps for online runs and learner updates for the \(offline) offline run\(offline == 1 ? "" : "s")"
    }

    /// Whether the curve holds any evaluation, finite or not.
    public var hasEvaluations: Bool { !points.isEmpty || nonFiniteFinal != nil }

    /// The first evaluation whose return is at least `threshold`, as its step count; nil if none is.
    public func firstStep(reaching threshold: Double) -> Int? {
        points.first { $0.value >= threshold }?.steps
    }

    /// The return of the last evaluation (not finite when `nonFiniteFinal` is set); nil for a curve without evaluations.
    public var finalValue: Double? { nonFiniteFinal?.value ?? points.last?.value }

    /// The curve's average return: the trapezoid integral of return over steps from the first
    /// evaluation to the last, divided by that span. A single evaluation is its own average; nil for
    /// an empty curve; `nonFiniteFinal`'s value when the last evaluation is not finite.
    public var averageValue: Double? {
        if let nonFiniteFinal { return nonFiniteFinal.value }
        guard let first = points.first, let last = points.last else { return nil }
        guard last.steps > first.steps else { return first.value }
        var area = 0.0
        for (left, right) in zip(points, points.dropFirst()) {
            area += Double(right.steps - left.steps) * (left.value + right.value) / 2
        }
        return area / Double(last.steps - first.steps)
    }

    /// The return at `steps` by linear interpolation between the evaluations around it; nil outside
    /// the evaluated range (no extrapolation).
    public func value(at steps: Int) -> Double? {
        guard let first = points.first, let last = points.last, steps >= first.steps, steps <= last.steps else { return nil }
        // The first evaluation at or after `steps`.
        var low = 0, high = points.count - 1
        while low < high {
            let middle = (low + high) / 2
            if points[middle].steps < steps { low = middle + 1 } else { high = middle }
        }
        let right = points[low]
        if right.steps == steps || low == 0 { return right.value }
        let left = points[low - 1]
        let fraction = Double(steps - left.steps) / Double(right.steps - left.steps)
        return left.value + fraction * (right.value - left.value)
    }

    /// This curve without evaluations beyond `steps`.
    public func truncated(to steps: Int) -> LearningCurve {
        LearningCurve(algorithm: algorithm, seed: seed, points: points.filter { $0.steps <= steps },
                      nonFiniteFinal: nonFiniteFinal.flatMap { $0.steps <= steps ? $0 : nil }, offline: offline, task: task)
    }
}
