import RunFiles

/// Code of your own that a run calls at the events Stable-Baselines3's callbacks know: after each
/// iteration, after each evaluation, after each checkpoint. Any of them can ask the run to stop.
///
/// Hand callbacks to `TrainingSession.run(callbacks:shouldStop:)`. Every callback hears every event, in the
/// order given, even after an earlier one asked to stop; the run stops once the event is over. The run
/// passes itself (its `RunCore`: config, directory, counters, `savePolicy(to:)`) to each call.
/// Every method has a default that does nothing and proceeds. An error a callback throws ends the run
/// like any other: the last checkpoint stays.
///
/// Ready-made: `EarlyStopping` and `KeepBestPolicy`.
public protocol TrainingCallback: AnyObject {
    /// Before the first iteration of this call of `run`, the resumed part of a run included; `progress.csv`
    /// then holds the rows of the part before it.
    func runWillStart(_ run: RunCore) throws

    /// After each iteration of the loop: one environment step and its gradient steps (off-policy, SB3's
    /// `_on_step`), one gradient step (offline), or one rollout and its updates (on-policy, SB3's
    /// `_on_rollout_end`), its evaluation (if one was due) included.
    func afterIteration(_ run: RunCore) throws -> CallbackDecision

    /// After each evaluation, once its row is in `progress.csv` (`row` is that row). An on-policy run may
    /// evaluate during a rollout; it stops after that rollout's update.
    func afterEvaluation(_ row: ProgressRow, of run: RunCore) throws -> CallbackDecision

    /// After each checkpoint is written (`checkpoint/` and `policy.safetensors`).
    func afterCheckpoint(_ run: RunCore) throws -> CallbackDecision
}

extension TrainingCallback {
    public func runWillStart(_ run: RunCore) throws {}
    public func afterIteration(_ run: RunCore) throws -> CallbackDecision { .proceed }
    public func afterEvaluation(_ row: ProgressRow, of run: RunCore) throws -> CallbackDecision { .proceed }
    public func afterCheckpoint(_ run: RunCore) throws -> CallbackDecision { .proceed }
}
