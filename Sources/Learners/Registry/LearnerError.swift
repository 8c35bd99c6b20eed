/// Errors a learner reports: a bad configuration, a checkpoint that does not fit, or parameters
/// that are no longer finite (which are never written to a file).
public enum LearnerError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case incompatibleCheckpoint(String)
    case nonFiniteParameter(tensor: String, index: Int, value: Float)
    /// A checkpoint file holds NaN or ±∞ (it was damaged or edited: the learner never writes one).
    case nonFiniteCheckpoint(file: String, tensor: String, index: Int, value: Float)

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): return "invalid learner configuration: \(message)"
        case .incompatibleCheckpoint(let message): return "checkpoint does not fit this learner: \(message)"
        case .nonFiniteParameter(let tensor, let index, let value):
            return "refusing to write non-finite parameters: \(tensor)[\(index)] is \(value)"
        case .nonFiniteCheckpoint(let file, let tensor, let index, let value):
            return "\(file) holds a non-finite value: tensor '\(tensor)' [\(index)] is \(value); the checkpoint is damaged"
        }
    }
}
