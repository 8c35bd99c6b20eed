/// The settings REINFORCE, A2C and PPO share beyond `CommonHyperparameters` (whose `batchSize` is PPO's
/// minibatch size and whose `tau` they do not use). Each algorithm's config holds one, with that
/// algorithm's defaults (documented there); validation is written once, here.
public struct OnPolicyHyperparameters: Codable, Equatable, Sendable {
    /// Environment copies stepped in lockstep (SB3's `n_envs`).
    public var environmentCount: Int
    /// Steps per copy per rollout (SB3's `n_steps`).
    public var stepsPerEnvironment: Int
    /// λ of GAE(λ) (SB3's `gae_lambda`); REINFORCE uses 1 (the reward-to-go).
    public var gaeLambda: Double
    /// Weight of the entropy bonus in the loss (SB3's `ent_coef`).
    public var entropyCoefficient: Double
    /// Weight of the value loss (SB3's `vf_coef`).
    public var valueCoefficient: Double
    /// The global gradient norm is clipped to this (SB3's `max_grad_norm`); nil: no clipping.
    public var maxGradientNorm: Double?
    /// Normalise observations with running statistics (SB3's `VecNormalize(norm_reward=False)`).
    public var normalizeObservations: Bool
    /// Anneal the learning rate linearly to 0 over the run (SB3's `linear_schedule`).
    public var annealLearningRate: Bool
    /// Initial log σ of the Gaussian policy (SB3's `log_std_init`).
    public var logStdInit: Double
    /// Orthogonal initialisation (SB3's `ortho_init`): gain √2 for hidden layers, 0.01 for the
    /// policy's output layer, 1 for the value's output layer, biases 0. Otherwise PyTorch's default.
    public var orthogonalInitialization: Bool
    /// ε of Adam (SB3 passes `eps=1e-5` to the Adam of its actor-critic policies).
    public var adamEpsilon: Double

    public init(environmentCount: Int, stepsPerEnvironment: Int, gaeLambda: Double, entropyCoefficient: Double = 0,
                valueCoefficient: Double = 0.5, maxGradientNorm: Double? = 0.5, normalizeObservations: Bool = false,
                annealLearningRate: Bool = false, logStdInit: Double = 0, orthogonalInitialization: Bool = true,
                adamEpsilon: Double = 1e-5) {
        self.environmentCount = environmentCount
        self.stepsPerEnvironment = stepsPerEnvironment
        self.gaeLambda = gaeLambda
        self.entropyCoefficient = entropyCoefficient
        self.valueCoefficient = valueCoefficient
        self.maxGradientNorm = maxGradientNorm
        self.normalizeObservations = normalizeObservations
        self.annealLearningRate = annealLearningRate
        self.logStdInit = logStdInit
        self.orthogonalInitialization = orthogonalInitialization
        self.adamEpsilon = adamEpsilon
    }

    /// The largest copies and steps per copy accepted (a rollout is held in memory).
    public static let environmentLimit = 1024
    public static let rolloutLimit = 10_000_000

    /// Throws `LearnerError.invalidConfiguration` when the settings no option declares are out of range:
    /// the rollout's size and Adam's ε. Each setting with an option (`--n-envs`, `--gae-lambda`, ...) has its
    /// range in its declaration (`OnPolicyLearnerConfig.onPolicyOptions`), checked by the config's
    /// `validateOptions()`.
    public func validate() throws {
        func fail(_ message: String) -> LearnerError { .invalidConfiguration(message) }
        guard environmentCount >= 1, stepsPerEnvironment >= 1,
              environmentCount.multipliedReportingOverflow(by: stepsPerEnvironment).partialValue <= Self.rolloutLimit,
              !environmentCount.multipliedReportingOverflow(by: stepsPerEnvironment).overflow else {
            throw fail("--n-envs × --n-steps must be at most \(Self.rolloutLimit), got \(environmentCount) × \(stepsPerEnvironment)")
        }
        guard adamEpsilon > 0, adamEpsilon.isFinite else { throw fail("Adam's ε must be positive, got \(adamEpsilon)") }
    }
}
