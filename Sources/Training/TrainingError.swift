import Foundation

/// Errors of the training loop and of run directories, each one sentence naming the file or setting at
/// fault (`description`, also `localizedDescription`).
public enum TrainingError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case invalidConfig(String)
    /// The directory (its path) already holds a run: a new run there is refused, and nothing in it changed.
    case runDirectoryNotEmpty(String)
    /// The run in `directory` was trained on `environment`, a name the command line cannot make an
    /// environment from (a library user's own environment); its Swift code can.
    case environmentOfItsOwn(environment: String, directory: String)
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
    /// Copy `copy` (counted from 0) of a run's `copies` environment copies failed; `reason` is its own error
    /// (a bridged copy's: Python's message and the last lines of its standard error).
    case environmentCopyFailed(copy: Int, copies: Int, reason: String)

    public var description: String {
        switch self {
        case .invalidConfig(let message): return "invalid configuration: \(message)"
        case .runDirectoryNotEmpty(let path):
            return "run directory \(path) already holds a run; continue it (offpolicy train --resume \(path), or TrainingRun.resumeSession in Swift) or choose another directory"
        case .environmentOfItsOwn(let environment, let directory):
            return "the run in \(directory) was trained on \(environment), an environment of its own that offpolicy cannot make; evaluate it from Swift with TrainingRun.evaluate(in:environment:episodes:seed:), or continue it with TrainingRun.resumeSession(in:environment:steps:)"
        case .missingFile(let path): return "\(path) is missing"
        case .corruptFile(let path, let reason): return "\(path) cannot be read: \(reason)"
        case .unwritable(let path, let reason): return "\(path) cannot be written: \(reason)"
        case .mismatch(let message): return message
        case .diverged(let update, let reason):
            return "learner diverged at update \(update) (\(reason)); the last good checkpoint is kept"
        case .nonFiniteEnvironment(let environment, let step, let what, let value):
            return "\(environment) returned a non-finite \(what) (\(value)) at environment step \(step); nothing of that step was stored, and the last checkpoint is kept"
        case .environmentCopyFailed(let copy, let copies, let reason):
            return "environment copy \(copy) (of \(copies), counted from 0) failed, and the last checkpoint is kept: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
