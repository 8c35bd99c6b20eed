/// A training run that can be driven to its end: the off-policy `TrainingLoop` or the
/// `OnPolicyTrainingLoop`. The CLI starts and resumes runs through `TrainingRun`, which picks the loop
/// the learner needs.
public protocol TrainingSession: AnyObject {
    var config: TrainingConfig { get }
    var directory: RunDirectory { get }
    /// Messages worth telling the user (for example about data recorded after the last checkpoint).
    var notices: [String] { get }
    var environmentSteps: Int { get }
    /// Runs until `config.steps` steps are done or `shouldStop` returns true (then a checkpoint is written first).
    func run(shouldStop: () -> Bool) throws -> TrainingLoop.Outcome
}

extension TrainingLoop: TrainingSession {}
