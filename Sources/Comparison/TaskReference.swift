/// The returns that a task's scores are normalised against in a comparison over several tasks: a
/// return R scores (R − minimum)/(maximum − minimum), so that the minimum scores 0 and the maximum 1
/// (rliable's scale, on which the optimality gap's γ = 1 is the maximum's score).
public struct TaskReference: Equatable, Sendable, Codable {
    /// Where the two returns come from.
    public enum Source: String, Equatable, Sendable, Codable {
        /// D4RL's random and expert returns (``D4RLReferenceReturns``), for HalfCheetah, Hopper and Walker2d.
        case d4rl
        /// `--reference TASK=MIN:MAX`, or with one task `--normalize`'s two returns.
        case given
        /// A uniformly random policy's mean return, measured, and the best evaluation return of any run
        /// on the task.
        case randomAndBest = "random_and_best"
    }

    /// The environment, as `--env` names it.
    public var task: String
    public var source: Source
    public var minimum: Double
    public var maximum: Double

    /// Refuses returns that are not finite or not increasing, naming the task.
    public init(task: String, source: Source, minimum: Double, maximum: Double) throws {
        guard minimum.isFinite, maximum.isFinite else {
            throw ComparisonError.invalidSetting("the reference returns of \(task) must be finite numbers; got \(minimum) and \(maximum)")
        }
        guard minimum < maximum else {
            throw ComparisonError.invalidSetting("the reference of \(task) needs its minimum return (\(minimum)) below its maximum (\(maximum))")
        }
        self.task = task
        self.source = source
        self.minimum = minimum
        self.maximum = maximum
    }

    /// D4RL's reference of `task` when it is one of D4RL's MuJoCo tasks; nil otherwise.
    public static func d4rl(task: String) -> TaskReference? {
        D4RLReferenceReturns.task(forEnvironment: task).flatMap {
            try? TaskReference(task: task, source: .d4rl, minimum: $0.randomReturn, maximum: $0.expertReturn)
        }
    }

    /// Parses one `--reference TASK=MIN:MAX`: the task (which may hold colons, as `gym:Hopper-v5`),
    /// then two returns. The returns are split at the last colon that leaves two numbers.
    public init(parsing text: String) throws {
        guard let equals = text.lastIndex(of: "=") else {
            throw ComparisonError.invalidSetting("--reference '\(text)' is not TASK=MIN:MAX")
        }
        let task = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
        let returns = text[text.index(after: equals)...]
        // A negative minimum holds no colon, so the first colon after the sign separates the two.
        let parts = returns.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard !task.isEmpty, parts.count == 2, let minimum = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let maximum = Double(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw ComparisonError.invalidSetting("--reference '\(text)' is not TASK=MIN:MAX with two numbers, like Pendulum-v1=-1400:-150")
        }
        try self.init(task: task, source: .given, minimum: minimum, maximum: maximum)
    }

    /// The normalised score of a return.
    public func score(_ value: Double) -> Double { (value - minimum) / (maximum - minimum) }

    /// One line for the summary: "Pendulum-v1: a random policy's return -1220.5 (score 0) and the best return seen -140.2 (score 1)".
    public var description: String {
        let short = ScoreNormalization.shortNumber
        switch source {
        case .d4rl:
            return "\(task): D4RL's random \(short(minimum)) (score 0) and expert \(short(maximum)) (score 1) returns"
        case .given:
            return "\(task): the given returns \(short(minimum)) (score 0) and \(short(maximum)) (score 1)"
        case .randomAndBest:
            return "\(task): a uniformly random policy's mean return \(short(minimum)) (score 0) and the best evaluation return seen \(short(maximum)) (score 1)"
        }
    }
}
