/// When a run evaluates and checkpoints: whenever its step count (environment steps online, updates
/// offline) crosses a multiple of the config's evaluation or checkpoint interval, and at its end.
struct EvaluationSchedule {
    let evaluationInterval: Int
    let checkpointInterval: Int

    init(_ config: TrainingConfig) {
        evaluationInterval = config.evaluationInterval
        checkpointInterval = config.checkpointInterval
    }

    /// Whether going from `before` to `after` steps crosses a multiple of the evaluation interval.
    func evaluates(from before: Int, to after: Int) -> Bool {
        before / evaluationInterval != after / evaluationInterval
    }

    /// Whether going from `before` to `after` steps crosses a multiple of the checkpoint interval.
    func checkpoints(from before: Int, to after: Int) -> Bool {
        before / checkpointInterval != after / checkpointInterval
    }
}
