/// How a call to a training loop's `run` ended.
public enum RunOutcome: Equatable, Sendable {
    case finished
    /// A stop was requested (`shouldStop`, or an interrupted environment call); a checkpoint holds the state
    /// after `steps` steps.
    case interrupted(steps: Int)
    /// A `TrainingCallback` asked the run to stop, saying `reason`; a checkpoint holds the state after
    /// `steps` steps, and the run can be resumed like an interrupted one.
    case stopped(steps: Int, reason: String)
}
