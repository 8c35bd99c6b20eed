/// Errors of the training loop and of run directories, each naming the file or setting at fault.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidConfig(String)
    case runDirectoryNotEmpty(String)
    case missingFile(String)
    case corruptFile(String, String)
    /// A run file cannot be created or written (a full disk, no permission); `reason` says why.
    case unwritable(String, String)
    case mismatch(String)
    /// A loss or a parameter stopped being finite; nothing of that update was saved.
    case diverged(update: Int, reason: String)
    /// An environment step (the run's `step`th) returned a NaN or infinite `what` ("reward", "observation value 2");
    /// nothing of that step was stored.
    case nonFiniteEnvironment(environment: String, step: Int, what: String, value: Double)

    public var description: String {
        switch self {
        case .invalidConfig(let message): return "invalid configuration: \(message)"
        case .runDirectoryNotEmpty(let path): return "run directory \(path) already holds a run; use --resume \(path) to continue it, or choose another --run-dir"
        case .missingFile(let path): return "\(path) is missing"
        case .corruptFile(let path, let reason): return "\(path) cannot be read: \(reason)"
        case .unwritable(let path, let reason): return "\(path) cannot be written: \(reason)"
        case .mismatch(let message): return message
        case .diverged(let update, let reason):
            return "learner diverged at update \(update) (\(reason)); the last good checkpoint is kept"
        case .nonFiniteEnvironment(let environment, let step, let what, let value):
            return "\(environment) returned a non-finite \(what) (\(value)) at environment step \(step); nothing of that step was stored, and the last checkpoint is kept"
        }
    }
}
