import Environments
import Learners

/// The resolved settings of one training run. Written to `config.json`, read back by `--resume`
/// and `offpolicy evaluate`. Learner hyperparameters (batch size, hidden sizes, learning rate,
/// learning starts, replay capacity) live in `learner`, the learner's own documented config.
public struct TrainingConfig: Codable, Equatable, Sendable {
    public var environment: EnvironmentID
    /// Environment steps to collect in total.
    public var steps: Int
    /// Seeds every random stream of the run (environment, exploration, sampling, learner, evaluation).
    public var seed: UInt64
    /// Evaluate (and write a progress row) every this many environment steps.
    public var evaluationInterval: Int
    /// Deterministic evaluation episodes per evaluation.
    public var evaluationEpisodes: Int
    /// Write a checkpoint every this many environment steps (and at the end, and on interrupt).
    public var checkpointInterval: Int
    public var learner: LearnerConfiguration

    public init(environment: EnvironmentID, steps: Int, seed: UInt64, learner: LearnerConfiguration,
                evaluationInterval: Int = 1000, evaluationEpisodes: Int = 10, checkpointInterval: Int? = nil) {
        self.environment = environment
        self.steps = steps
        self.seed = seed
        self.learner = learner
        self.evaluationInterval = evaluationInterval
        self.evaluationEpisodes = evaluationEpisodes
        self.checkpointInterval = checkpointInterval ?? evaluationInterval
    }

    public var algorithm: Algorithm { learner.algorithm }

    /// Throws `TrainingError.invalidConfig` naming the first setting out of range.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { .invalidConfig(message) }
        guard steps > 0 else { throw fail("steps must be positive, got \(steps)") }
        guard evaluationInterval > 0 else { throw fail("the evaluation interval must be positive, got \(evaluationInterval)") }
        guard evaluationEpisodes > 0 else { throw fail("evaluation episodes must be positive, got \(evaluationEpisodes)") }
        guard checkpointInterval > 0 else { throw fail("the checkpoint interval must be positive, got \(checkpointInterval)") }
        guard learner.learningStarts >= 0 else { throw fail("learning starts must be non-negative, got \(learner.learningStarts)") }
        guard learner.batchSize > 0 else { throw fail("the batch size must be positive, got \(learner.batchSize)") }
        guard !learner.hiddenSizes.isEmpty, learner.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw fail("hidden sizes must be one or more positive widths, got \(learner.hiddenSizes)")
        }
        guard learner.learningRate > 0, learner.learningRate.isFinite else {
            throw fail("the learning rate must be positive, got \(learner.learningRate)")
        }
        guard learner.replayCapacity > 0 else { throw fail("the replay capacity must be positive") }
    }
}
