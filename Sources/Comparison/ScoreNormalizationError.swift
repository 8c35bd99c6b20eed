/// Why `--normalize` cannot give a score: each case is one sentence naming the value, environment or
/// file at fault and, where it helps, the forms that would do.
public enum ScoreNormalizationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Which of the two reference returns.
    public enum Role: String, Sendable {
        case random, expert
    }

    /// The text is none of the three forms.
    case malformed(String)
    /// One side is a number and the other is not.
    case mixedForms(String)
    case nonFinite(Role, Double)
    /// Both reference returns are this value.
    case equalReturns(Double)
    /// `d4rl` for an environment D4RL has no reference returns for.
    case noD4RLReference(environment: String)
    /// `d4rl` where the runs do not name one environment.
    case unknownEnvironment
    case missingDataset(Role, path: String)
    case unreadableDataset(Role, path: String, reason: String)

    /// The two forms that need no environment, for the refusals of `d4rl`.
    static let otherForms = "give two returns as --normalize RANDOM,EXPERT or two datasets as --normalize RANDOM_DATASET,EXPERT_DATASET"

    public var description: String {
        switch self {
        case .malformed(let text):
            return "--normalize takes d4rl, two returns RANDOM,EXPERT or two dataset paths RANDOM_DATASET,EXPERT_DATASET; got '\(text)'"
        case .mixedForms(let text):
            return "--normalize '\(text)' mixes a return and a dataset path; give two returns or two dataset paths"
        case .nonFinite(let role, let value):
            return "--normalize: the \(role.rawValue) return \(value) is not a finite number"
        case .equalReturns(let value):
            return "--normalize: the random and expert returns are both \(ComparisonSummary.decimal(value)), so they cannot scale a score"
        case .noD4RLReference(let environment):
            let names = D4RLReferenceReturns.tasks.map(\.environment)
            return "--normalize d4rl: D4RL has no reference returns for \(environment) (only for \(names.dropLast().joined(separator: ", ")) and \(names.last!)); \(Self.otherForms)"
        case .unknownEnvironment:
            return "--normalize d4rl: the runs do not name one environment; \(Self.otherForms)"
        case .missingDataset(let role, let path):
            return "--normalize: the \(role.rawValue) dataset '\(path)' does not exist"
        case .unreadableDataset(let role, let path, let reason):
            return "--normalize: the \(role.rawValue) dataset '\(path)' cannot be read: \(reason)"
        }
    }
}
