import RunFiles

/// A training run that can be driven to its end: the off-policy `TrainingLoop` or the
/// `OnPolicyTrainingLoop`, each over a `RunCore`. The CLI starts and resumes runs through `TrainingRun`
/// (module `TrainingRuns`), which picks the loop the learner needs.
public protocol TrainingSession: AnyObject {
    /// What the loop runs on: the run's config, directory, counters, episodes and checkpoints.
    var core: RunCore { get }
    /// Runs until `config.steps` steps are done, or `shouldStop` returns true, or one of `callbacks` asks to
    /// stop (then a checkpoint is written first). `callbacks` hear of the run's events (`TrainingCallback`).
    func run(callbacks: [any TrainingCallback], shouldStop: () -> Bool) throws -> RunOutcome
}

extension TrainingSession {
    public var config: TrainingConfig { core.config }
    public var directory: RunDirectory { core.directory }
    /// Messages worth telling the user (for example about data recorded after the last checkpoint).
    public var notices: [String] { core.notices }
    /// The count the run's length is measured in: environment steps online, updates offline.
    public var steps: Int { core.steps }
    public var environmentSteps: Int { core.environmentSteps }
    /// Finished training episodes.
    public var episodes: Int { core.episodes }
    /// Learner updates so far.
    public var updates: Int { core.updates }

    /// Runs until `config.steps` steps are done.
    @discardableResult
    public func run() throws -> RunOutcome { try run(callbacks: [], shouldStop: { false }) }

    /// Runs until `config.steps` steps are done or `shouldStop` returns true (asked after every iteration).
    @discardableResult
    public func run(shouldStop: () -> Bool) throws -> RunOutcome { try run(callbacks: [], shouldStop: shouldStop) }

    /// Runs until `config.steps` steps are done or one of `callbacks` asks to stop.
    @discardableResult
    public func run(callbacks: [any TrainingCallback]) throws -> RunOutcome { try run(callbacks: callbacks, shouldStop: { false }) }
}
