/// What a `TrainingCallback` tells the run after an event: go on, or stop.
public enum CallbackDecision: Equatable, Sendable {
    case proceed
    /// Stop the run: it writes a checkpoint (so it can be resumed) and `run` returns
    /// `RunOutcome.stopped(steps:reason:)` with `reason`, a sentence saying why.
    case stop(reason: String)
}
