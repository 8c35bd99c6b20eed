import Randomness
import Transitions

/// REINFORCE with a learned state-value baseline: Williams 1992, "Simple statistical gradient-following
/// algorithms for connectionist reinforcement learning", with the reward-to-go (Sutton & Barto 2018,
/// section 13.4): ∇J ≈ mean_t ∇log π(a_t|s_t) (G_t − V(s_t)), G_t = Σ_{k≥0} γᵏ r_{t+k}, and V regressed onto G_t.
///
/// It is a configuration of `A2C`: GAE with λ = 1 is exactly G_t − V(s_t), one gradient step per rollout,
/// no entropy bonus, no gradient clipping, no replay. Only termination ends a return; a time limit, and a
/// rollout's end inside an episode, bootstrap G from V(s') there (the baseline's estimate of what follows).
/// With the defaults on Pendulum-v1 (200-step episodes, 200-step rollouts) every rollout holds whole
/// episodes, so G_t is the Monte Carlo reward-to-go plus γ^(200−t) V(final observation) at the time limit.
public struct REINFORCEConfig: OnPolicyLearnerConfig {
    public static let algorithmName = "reinforce"
    public static let summary = "REINFORCE, reward-to-go, value baseline (Williams 1992)"
    public static let isOnPolicy = true

    /// 64-64 tanh networks as the other on-policy learners, lr 1e-3 (our choice; there is no SB3
    /// REINFORCE), γ 0.99. `batchSize` and τ are unused.
    public var common = CommonHyperparameters(hiddenSizes: [64, 64], activation: .tanh, learningRate: 1e-3, batchSize: 800)
    /// 4 copies × 200 steps (a whole Pendulum episode per copy), λ = 1, no entropy bonus, value weight 0.5,
    /// no gradient clipping.
    public var onPolicy = OnPolicyHyperparameters(environmentCount: 4, stepsPerEnvironment: 200, gaeLambda: 1, maxGradientNorm: nil)

    public init() {}

    /// The A2C settings this REINFORCE stands for.
    public var asA2C: A2CConfig {
        var config = A2CConfig()
        config.common = common
        config.onPolicy = onPolicy
        config.onPolicy.gaeLambda = 1
        config.normalizeAdvantage = false
        config.replayRatio = 0
        return config
    }

    public func validate() throws {
        try asA2C.validate()
        guard onPolicy.gaeLambda == 1 else {
            throw LearnerError.invalidConfiguration("REINFORCE's return is the full reward-to-go (λ = 1), got λ \(onPolicy.gaeLambda)")
        }
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try A2C(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: asA2C, source: self,
                generator: &generator)
    }
}
