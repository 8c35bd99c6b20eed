import Learners

/// The resolved settings of one training run. Written to `config.json`, read back by `--resume`
/// and `offpolicy evaluate`. The loop's own settings (warm-up, gradient steps per environment step,
/// replay capacity, metrics interval) live here; the learner's hyperparameters live in `learner`.
public struct TrainingConfig: Codable, Equatable, Sendable {
    /// The environment's name: a registered id (`Pendulum-v1`) for runs the CLI builds, or any name
    /// a library user gives their own environment.
    public var environment: String
    /// Online (step the environment, append, update) or offline (update from a filled store only).
    public var mode: TrainingMode
    /// Offline: the replay store the run samples from (a dataset imported with `offpolicy dataset
    /// import`, or another run's `replay/`), opened read-only; nil means the run's own `DIR/replay`.
    public var dataset: String?
    /// Online: the demonstrations the store was pre-filled with, and the share of each batch drawn from them.
    public var prefill: Prefill?
    /// A run that trained offline and went on online: where the switch happened (nil otherwise).
    public var onlineStart: OnlineStart?
    /// Online: environment steps to collect in total. Offline: gradient steps in total.
    public var steps: Int
    /// Seeds every random stream of the run (environment, exploration, sampling, learner, evaluation).
    public var seed: UInt64
    /// Evaluate (and write a progress row) every this many steps (environment steps online, updates offline).
    public var evaluationInterval: Int
    /// Deterministic evaluation episodes per evaluation.
    public var evaluationEpisodes: Int
    /// Write a checkpoint every this many steps (and at the end, and on interrupt).
    public var checkpointInterval: Int
    /// Environment steps with uniformly random actions before the policy acts and updates begin.
    /// Stable-Baselines3: `learning_starts=100`.
    public var learningStarts: Int
    /// Gradient steps after each loop step (one environment step in every copy, `environmentCopies`
    /// transitions) once learning has started; −1: one per transition the loop step collected, so
    /// `environmentCopies`. SB3: `train_freq=1, gradient_steps=1`; −1 is SB3's `gradient_steps=-1`.
    public var gradientStepsPerStep: Int
    /// Live transitions the replay store keeps (FIFO eviction beyond). SB3: `buffer_size=1_000_000`.
    public var replayCapacity: Int
    /// Write a row of averaged learner metrics to `metrics.csv` every this many updates.
    public var metricsInterval: Int
    public var learner: LearnerConfiguration
    /// Prioritized experience replay (nil: uniform batches, the default). For learners with a TD critic
    /// (`PrioritizedLearner`: SAC, TD3, DDPG, TD3+BC), online and offline, single-transition targets only.
    public var prioritizedReplay: PrioritizedReplay?
    /// The off-policy loop's copies beyond one (nil: one). An on-policy learner's copies are its own.
    private var offPolicyCopies: Int?
    /// False when the run writes no TensorBoard events (nil: it does; `config.json` holds it only when false).
    private var tensorBoard: Bool?

    /// Whether the run writes TensorBoard event files into `DIR/tensorboard` beside progress.csv and
    /// metrics.csv, with the same values (`offpolicy train --no-tensorboard` turns it off). Default true.
    public var writesTensorBoardEvents: Bool {
        get { tensorBoard ?? true }
        set { tensorBoard = newValue ? nil : false }
    }

    /// Online: the training environment copies every loop step acts in (Stable-Baselines3's `n_envs`):
    /// each loop step appends one transition of each copy, copy 0 first. For an on-policy learner this is
    /// its own `OnPolicyHyperparameters.environmentCount` (setting one sets the other); for the others it is
    /// kept here, and `config.json` holds it as `environmentCopies` when it is more than 1. Default 1.
    public var environmentCopies: Int {
        get { (learner.config as? any OnPolicyLearnerConfig)?.onPolicy.environmentCount ?? offPolicyCopies ?? 1 }
        set {
            if var onPolicy = learner.config as? any OnPolicyLearnerConfig {
                onPolicy.onPolicy.environmentCount = newValue
                learner.config = onPolicy
            } else {
                offPolicyCopies = newValue == 1 ? nil : newValue
            }
        }
    }

    /// Gradient steps after each loop step once learning has started: `gradientStepsPerStep`, or one per
    /// transition collected when it is −1.
    public var gradientStepsPerLoopStep: Int { gradientStepsPerStep == -1 ? environmentCopies : gradientStepsPerStep }

    private enum CodingKeys: String, CodingKey {
        case environment, mode, dataset, prefill, steps, seed, evaluationInterval, evaluationEpisodes, checkpointInterval,
             learningStarts, gradientStepsPerStep, replayCapacity, metricsInterval, learner, onlineStart, tensorBoard, prioritizedReplay
        case offPolicyCopies = "environmentCopies"
    }

    public init(environment: String, steps: Int, seed: UInt64, learner: LearnerConfiguration, mode: TrainingMode = .online,
                evaluationInterval: Int = 1000, evaluationEpisodes: Int = 10, checkpointInterval: Int? = nil,
                learningStarts: Int = 100, gradientStepsPerStep: Int = 1, replayCapacity: Int = 1_000_000,
                metricsInterval: Int = 1000, dataset: String? = nil, environmentCopies: Int? = nil) {
        self.environment = environment
        self.dataset = dataset
        self.mode = mode
        self.steps = steps
        self.seed = seed
        self.learner = learner
        self.evaluationInterval = evaluationInterval
        self.evaluationEpisodes = evaluationEpisodes
        self.checkpointInterval = checkpointInterval ?? evaluationInterval
        self.learningStarts = learningStarts
        self.gradientStepsPerStep = gradientStepsPerStep
        self.replayCapacity = replayCapacity
        self.metricsInterval = metricsInterval
        if let environmentCopies { self.environmentCopies = environmentCopies }
    }

    /// A run of `learner` with the defaults of `offpolicy train`: an evaluation of 10 episodes and a
    /// checkpoint every 1000 steps, 100 warm-up steps for an off-policy learner (Stable-Baselines3's
    /// `learning_starts`) and none for an on-policy one, one gradient step per environment step, a replay
    /// capacity of 1,000,000 and the learner's own metrics interval (`defaultMetricsInterval`).
    public static func defaults(environment: String, steps: Int, seed: UInt64 = 0, learner: LearnerConfiguration) -> TrainingConfig {
        TrainingConfig(environment: environment, steps: steps, seed: seed, learner: learner,
                       learningStarts: learner.isOnPolicy ? 0 : 100, metricsInterval: learner.defaultMetricsInterval)
    }

    public var algorithm: String { learner.algorithm }

    /// The largest step count, interval and capacity accepted: beyond anything a run reaches, small
    /// enough that no count derived from them overflows.
    public static let countLimit = 1 << 40
    /// The most gradient steps after one environment step: far beyond any published schedule, small
    /// enough that a step never takes hours.
    public static let gradientStepsLimit = 1_000
    /// The most episodes in one evaluation.
    public static let evaluationEpisodesLimit = 1_000_000
    /// The most environment copies: the on-policy learners' limit (`OnPolicyHyperparameters.environmentLimit`).
    public static let environmentCopiesLimit = OnPolicyHyperparameters.environmentLimit

    /// The one check of a run's settings, for a new run from the command line and for a `config.json`
    /// read back by `--resume` and `evaluate` alike.

    /// Throws `TrainingError.invalidConfig` naming the first setting out of range (the learner's
    /// own settings included).
    public func validate() throws {
        func check(_ value: Int, _ name: String, minimum: Int = 1, limit: Int = Self.countLimit) throws {
            guard value >= minimum, value <= limit else {
                throw TrainingError.invalidConfig("\(name) must lie in \(minimum)...\(limit), got \(value)")
            }
        }
        try check(steps, "steps")
        try check(evaluationInterval, "the evaluation interval")
        try check(evaluationEpisodes, "evaluation episodes", limit: Self.evaluationEpisodesLimit)
        try check(checkpointInterval, "the checkpoint interval")
        try check(learningStarts, "learning starts", minimum: 0)
        if gradientStepsPerStep != -1 {
            guard (1...Self.gradientStepsLimit).contains(gradientStepsPerStep) else {
                throw TrainingError.invalidConfig("gradient steps per step must be -1 (one per transition collected) or lie in 1...\(Self.gradientStepsLimit), got \(gradientStepsPerStep)")
            }
        }
        if learner.isOnPolicy, let offPolicyCopies {
            throw TrainingError.invalidConfig("an on-policy learner steps its own environment copies (its environmentCount), not the \(offPolicyCopies) set beside it")
        }
        if !learner.isOnPolicy { try check(environmentCopies, "environment copies", limit: Self.environmentCopiesLimit) }  // a learner checks its own
        if mode == .offline, environmentCopies > 1 {
            throw TrainingError.invalidConfig("an offline run steps no environment, so it takes no environment copies, got \(environmentCopies)")
        }
        try check(replayCapacity, "the replay capacity")
        try check(metricsInterval, "the metrics interval")
        if environment.isEmpty { throw TrainingError.invalidConfig("the environment must be named") }
        if let ratio = prefill?.ratio, !(0...1).contains(ratio) {
            throw TrainingError.invalidConfig("the demonstration ratio must lie in [0, 1], got \(ratio)")
        }
        if dataset != nil && mode == .online { throw TrainingError.invalidConfig("a dataset is trained on offline; set the mode to offline") }
        if let prioritizedReplay {
            if let problem = prioritizedReplay.problem { throw TrainingError.invalidConfig(problem) }
            if learner.isOnPolicy { throw TrainingError.invalidConfig("\(algorithm) is on-policy: it learns from its rollouts, not from prioritized replay") }
            if prefill?.ratio != nil {
                throw TrainingError.invalidConfig("prioritized replay draws every row by priority; it does not mix a fixed share of demonstrations or dataset rows into a batch")
            }
        }
        do {
            try learner.validate()
        } catch let error as LearnerError {
            throw TrainingError.invalidConfig("\(error)")
        }
    }
}
