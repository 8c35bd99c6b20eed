import Environments

/// The resolved settings of one training run. Written to `config.json`, read back by `--resume`
/// and `offpolicy evaluate`.
public struct TrainingConfig: Codable, Equatable, Sendable {
    public var algorithm: Algorithm
    public var environment: EnvironmentID
    /// Environment steps to collect in total.
    public var steps: Int
    /// Seeds every random stream of the run (environment, exploration, sampling, learner, evaluation).
    public var seed: UInt64
    /// Evaluate (and write a progress row) every this many environment steps.
    public var evaluationInterval: Int
    /// Deterministic evaluation episodes per evaluation.
    public var evaluationEpisodes: Int
    /// Steps of uniformly random actions before the policy acts and updates begin
    /// (Stable-Baselines3 `learning_starts`, 100).
    public var learningStarts: Int
    /// Transitions per gradient step (Stable-Baselines3: 256).
    public var batchSize: Int
    /// Hidden layer widths of every network (SAC 256-256; TD3 and DDPG 400-300, as in Stable-Baselines3).
    public var hiddenSizes: [Int]
    /// Adam learning rate of every network (SAC 3e-4; TD3 and DDPG 1e-3, as in Stable-Baselines3).
    public var learningRate: Double
    /// Gradient steps per environment step once learning has started (Stable-Baselines3: 1).
    public var gradientStepsPerStep: Int
    /// Live transitions the replay store keeps (Stable-Baselines3 `buffer_size`, 1e6).
    public var replayCapacity: Int
    /// Write a checkpoint every this many environment steps (and at the end, and on interrupt).
    public var checkpointInterval: Int

    /// The defaults of `algorithm` with the given run settings.
    public init(algorithm: Algorithm, environment: EnvironmentID, steps: Int, seed: UInt64,
                evaluationInterval: Int = 1000, evaluationEpisodes: Int = 10,
                learningStarts: Int = 100, batchSize: Int = 256, hiddenSizes: [Int]? = nil,
                learningRate: Double? = nil, gradientStepsPerStep: Int = 1,
                replayCapacity: Int = 1_000_000, checkpointInterval: Int? = nil) {
        self.algorithm = algorithm
        self.environment = environment
        self.steps = steps
        self.seed = seed
        self.evaluationInterval = evaluationInterval
        self.evaluationEpisodes = evaluationEpisodes
        self.learningStarts = learningStarts
        self.batchSize = batchSize
        self.hiddenSizes = hiddenSizes ?? Self.defaultHiddenSizes(for: algorithm)
        self.learningRate = learningRate ?? Self.defaultLearningRate(for: algorithm)
        self.gradientStepsPerStep = gradientStepsPerStep
        self.replayCapacity = replayCapacity
        self.checkpointInterval = checkpointInterval ?? evaluationInterval
    }

    public static func defaultHiddenSizes(for algorithm: Algorithm) -> [Int] {
        algorithm == .sac ? [256, 256] : [400, 300]
    }

    public static func defaultLearningRate(for algorithm: Algorithm) -> Double {
        algorithm == .sac ? 3e-4 : 1e-3
    }

    /// Throws `TrainingError.invalidConfig` naming the first setting out of range.
    public func validate() throws {
        func fail(_ message: String) -> TrainingError { .invalidConfig(message) }
        guard steps > 0 else { throw fail("steps must be positive, got \(steps)") }
        guard evaluationInterval > 0 else { throw fail("the evaluation interval must be positive, got \(evaluationInterval)") }
        guard evaluationEpisodes > 0 else { throw fail("evaluation episodes must be positive, got \(evaluationEpisodes)") }
        guard learningStarts >= 0 else { throw fail("learning starts must be non-negative, got \(learningStarts)") }
        guard batchSize > 0 else { throw fail("the batch size must be positive, got \(batchSize)") }
        guard !hiddenSizes.isEmpty, hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw fail("hidden sizes must be one or more positive widths, got \(hiddenSizes)")
        }
        guard learningRate > 0, learningRate.isFinite else { throw fail("the learning rate must be positive, got \(learningRate)") }
        guard gradientStepsPerStep >= 0 else { throw fail("gradient steps per step must be non-negative") }
        guard replayCapacity > 0 else { throw fail("the replay capacity must be positive") }
        guard checkpointInterval > 0 else { throw fail("the checkpoint interval must be positive") }
    }
}
