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
        }
    }
}
