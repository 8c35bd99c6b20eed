import Randomness
import Transitions

/// TD3+BC: Fujimoto & Gu 2021, "A Minimalist Approach to Offline Reinforcement Learning"
/// (arXiv:2106.06860). TD3 whose actor loss adds a behavior-cloning term, −λ Q(s, π(s)) + (π(s) − a)²
/// with λ = α / mean |Q| (eq. 3), and whose observations are standardised with the dataset's mean and
/// standard deviation (section 5). This config builds that `TD3`. Defaults are the authors' (their
/// argument names given), which d3rlpy 2.x's `TD3PlusBCConfig` shares.
public struct TD3BCConfig: LearnerConfig {
    public static let algorithmName = "td3bc"
    public static let summary = "TD3+BC: TD3 plus behavior cloning, offline (Fujimoto & Gu 2021)"

    /// Authors: 256-256 ReLU networks, Adam `lr=3e-4` for actor and critic, `batch_size=256`,
    /// `discount=0.99`, `tau=0.005`.
    public var common = CommonHyperparameters(hiddenSizes: [256, 256], learningRate: 3e-4)
    /// Authors: `policy_freq=2`.
    public var policyDelay: Int = 2
    /// Authors: `policy_noise=0.2` (× max action; in [−1, 1] units here).
    public var targetPolicyNoise: Double = 0.2
    /// Authors: `noise_clip=0.5`.
    public var targetNoiseClip: Double = 0.5
    /// Authors: `alpha=2.5`.
    public var alpha: Double = 2.5
    /// The dataset's observation statistics; filled by `fitted(to:)` before training (written into
    /// `config.json`, so acting and resuming use the same ones). nil: raw observations.
    public var observationNormalization: ObservationNormalization? = nil

    public init() {}

    /// The TD3 settings this stands for (TD3's exploration noise is unused: TD3+BC trains offline).
    public var asTD3: TD3Config {
        var config = TD3Config()
        config.common = common
        config.policyDelay = policyDelay
        config.targetPolicyNoise = targetPolicyNoise
        config.targetNoiseClip = targetNoiseClip
        config.behaviorCloningWeight = alpha
        config.observationNormalization = observationNormalization
        return config
    }

    public func validate() throws { try asTD3.validate() }

    /// Standardise observations with the statistics of the dataset it will learn from.
    public func fitted(to data: TransitionBatch) -> TD3BCConfig {
        var config = self
        config.observationNormalization = ObservationNormalization(fitting: data.observations, size: data.observationSize)
        return config
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try TD3(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: asTD3, source: self,
                generator: &generator)
    }
}
