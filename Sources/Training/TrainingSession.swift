import RunFiles

/// A training run that can be driven to its end: the off-policy `TrainingLoop` or the
/// `OnPolicyTrainingLoop`. The CLI starts and resumes runs through `TrainingRun` (module `TrainingRuns`),
/// which picks the loop the learner needs.
public protocol TrainingSession: AnyObject {
    var config: TrainingConfig { get }
    var directory: RunDirectory { get }
    /// Messages worth telling the user (for example about data recorded after the last checkpoint).
    var notices: [String] { get }
    var environmentSteps: Int { get }
    /// Finished training episodes.
    var episodes: Int { get }
    /// Learner updates so far.
    var updates: Int { get }
    /// Runs until `config.steps` steps are done or `shouldStop` returns true (then a checkpoint is written first).
    func run(shouldStop: () -> Bool) throws -> RunOutcome
}

extension TrainingSession {
    /// Runs until `config.steps` steps are done.
    @discardableResult
    public func run() throws -> RunOutcome { try run(shouldStop: { false }) }
}
