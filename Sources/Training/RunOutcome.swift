/// How a call to a training loop's `run` ended.
public enum RunOutcome: Equatable, Sendable {
    case finished
    /// A stop was requested; a checkpoint holds the state after `steps` steps.
    case interrupted(steps: Int)
}
