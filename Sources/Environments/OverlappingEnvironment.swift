/// An environment whose `reset` and `step` can be started and finished apart, so that the calls of several
/// environments overlap each other and the caller's own work: a bridged Gymnasium environment, whose
/// calls run in a process of its own. A loop over several such copies begins every copy's call, then ends
/// each in turn; the results are those of `checkedStep(_:)` and `checkedReset(seed:)` called one after the
/// other.
///
/// Between `beginStep(_:)` and `endStep()` (or `beginReset(seed:)` and `endReset()`) no other call may be
/// made on the environment.
public protocol OverlappingEnvironment: AnyObject, Environment {
    /// Starts a step with `action` and returns without waiting for its result.
    func beginStep(_ action: [Float]) throws
    /// Waits for the result of the step `beginStep(_:)` started.
    func endStep() throws -> StepResult
    /// Starts a reset (re-seeding first when `seed` is given) and returns without waiting for it.
    func beginReset(seed: UInt64?) throws
    /// Waits for the first observation of the episode `beginReset(seed:)` started.
    func endReset() throws -> [Float]
}
