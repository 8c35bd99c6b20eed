/// Errors a learner reports for bad input: a bad configuration, or a checkpoint that does not fit.
public enum LearnerError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case incompatibleCheckpoint(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid learner configuration: \(message)"
        case .incompatibleCheckpoint(let message): return "checkpoint does not fit this learner: \(message)"
        }
    }
}
