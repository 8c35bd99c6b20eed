import Foundation

/// Where one run of a comparison stands.
public enum RunState: Equatable, Sendable {
    /// Waiting for a free job slot; `resume` when its folder holds a run to continue.
    case queued(resume: Bool)
    /// Finished by an earlier invocation: not run again.
    case finishedEarlier
    case running(since: Date, stepsAtStart: Int)
    case finished(seconds: Double)
    /// Ended with a non-zero exit status or a signal; `reason` is "exit status 1" or "signal 9 (Killed)".
    case failed(reason: String)
    /// Stopped by Ctrl-C or SIGTERM (checkpointed by the trainer; a later invocation resumes it).
    case stopped

    public var isDone: Bool {
        switch self {
        case .finishedEarlier, .finished: return true
        default: return false
        }
    }
}
