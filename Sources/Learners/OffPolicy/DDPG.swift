import Randomness
import Transitions

/// Deep Deterministic Policy Gradient: Lillicrap et al. 2016, "Continuous control with deep
/// reinforcement learning" (arXiv:1509.02971), Algorithm 1. As Stable-Baselines3 writes it, DDPG is
/// TD3 with one critic, policy delay 1 and no target policy smoothing; this config builds that `TD3`.
/// Defaults are SB3 2.x's `DDPG` defaults, except the exploration noise, which SB3 leaves to the user.
public struct DDPGConfig: LearnerConfig {
    public static let algorithmName = "ddpg"
    public static let summary = "Deep Deterministic Policy Gradient (Lillicrap et al. 2016)"

    /// SB3: `net_arch=[400, 300]` (TD3's policy, which DDPG uses), `activation_fn=nn.ReLU`,
    /// `learning_rate=1e-3`, `batch_size=256`, `gamma=0.99`, `tau=0.005`.
    public var common = CommonHyperparameters(hiddenSizes: [400, 300], learningRate: 1e-3)
    /// σ of the Gaussian exploration noise in [−1, 1] action units. SB3's default is no noise;
    /// 0.1 is RL Zoo's `NormalActionNoise(sigma=0.1)` for DDPG.
    public var explorationNoise: Double = 0.1

    public init() {}

    /// The TD3 settings this DDPG stands for: SB3's `DDPG.__init__` passes `policy_delay=1`,
    /// `n_critics=1`, `target_policy_noise=0.0`, `target_noise_clip=0.0` to TD3.
    public var asTD3: TD3Config {
        var config = TD3Config()
        config.common = common
        config.explorationNoise = explorationNoise
        config.criticCount = 1
        config.policyDelay = 1
        config.targetPolicyNoise = 0
        config.targetNoiseClip = 0
        return config
    }

    public func validate() throws {
        try validateOptions()
        try asTD3.validate()
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try TD3(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: asTD3, source: self,
                generator: &generator)
    }
}
