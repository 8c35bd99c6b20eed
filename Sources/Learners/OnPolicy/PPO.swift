import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Proximal Policy Optimization with the clipped surrogate: Schulman et al. 2017, "Proximal Policy
/// Optimization Algorithms" (arXiv:1707.06347), algorithm 1, with the details Stable-Baselines3 and
/// CleanRL apply (Huang et al. 2022, "The 37 implementation details of PPO"): GAE(λ), several epochs of
/// shuffled minibatches per rollout, per-minibatch advantage normalisation, global gradient clipping,
/// Adam with ε 1e-5, orthogonal initialisation, optional observation normalisation, value clipping and
/// learning-rate annealing.
///
/// Defaults are RL Zoo's for Pendulum-v1 (`hyperparams/ppo.yml`) on SB3 2.x's `PPO`: 4 copies × 1024
/// steps, γ 0.9, λ 0.95, 10 epochs, lr 1e-3, clip 0.2, minibatch 64, 64-64 tanh networks, gSDE with new
/// noise every 4 steps (`StateDependentNoise`).
/// (SB3's general defaults differ: 1 copy × 2048 steps, γ 0.99, lr 3e-4.)
public struct PPOConfig: OnPolicyLearnerConfig {
    public static let algorithmName = "ppo"
    public static let summary = "PPO, clipped surrogate (Schulman et al. 2017), on-policy"
    public static let isOnPolicy = true

    /// SB3's `MlpPolicy`: `net_arch=dict(pi=[64, 64], vf=[64, 64])`, `activation_fn=nn.Tanh`; RL Zoo
    /// Pendulum: `learning_rate=1e-3`, `gamma=0.9`; SB3: `batch_size=64` (the minibatch). τ is unused.
    public var common = CommonHyperparameters(hiddenSizes: [64, 64], activation: .tanh, learningRate: 1e-3, batchSize: 64,
                                              discount: 0.9)
    /// RL Zoo Pendulum: `n_envs=4`, `n_steps=1024`, `gae_lambda=0.95`, `ent_coef=0.0`; SB3: `vf_coef=0.5`,
    /// `max_grad_norm=0.5`, `log_std_init=0`, `ortho_init=True`, Adam `eps=1e-5`; observation normalisation
    /// and learning-rate annealing off (RL Zoo's Pendulum entry uses neither).
    public var onPolicy = OnPolicyHyperparameters(environmentCount: 4, stepsPerEnvironment: 1024, gaeLambda: 0.95)
    /// Passes over each rollout (SB3's `n_epochs=10`).
    public var epochs = 10
    /// ε of the clipped surrogate (SB3's `clip_range=0.2`).
    public var clipRange = 0.2
    /// ε_V of value clipping (SB3's `clip_range_vf`, default None: no clipping).
    public var valueClipRange: Double?
    /// Normalise the advantages within each minibatch (SB3's `normalize_advantage=True`).
    public var normalizeAdvantage = true
    /// Generalized state-dependent exploration (gSDE, `StateDependentNoise`; SB3's `use_sde`), on as in
    /// RL Zoo's Pendulum entry (`use_sde=True`). Off: the state-independent Gaussian.
    public var useSDE = true
    /// gSDE draws new noise matrices every this many lockstep steps of a rollout and at its start
    /// (SB3's `sde_sample_freq`; RL Zoo's Pendulum entry: 4). 0 or −1: at a rollout's start only.
    public var sdeSampleFrequency = 4

    public init() {}

    /// Decodes a config file. A setting it does not name takes its default, except `useSDE`: a config
    /// without it was written before gSDE existed, by a run that trained without it, so it decodes as off.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = PPOConfig()
        common = try container.decodeIfPresent(CommonHyperparameters.self, forKey: .common) ?? defaults.common
        onPolicy = try container.decodeIfPresent(OnPolicyHyperparameters.self, forKey: .onPolicy) ?? defaults.onPolicy
        epochs = try container.decodeIfPresent(Int.self, forKey: .epochs) ?? defaults.epochs
        clipRange = try container.decodeIfPresent(Double.self, forKey: .clipRange) ?? defaults.clipRange
        valueClipRange = try container.decodeIfPresent(Double.self, forKey: .valueClipRange)
        normalizeAdvantage = try container.decodeIfPresent(Bool.self, forKey: .normalizeAdvantage) ?? defaults.normalizeAdvantage
        useSDE = try container.decodeIfPresent(Bool.self, forKey: .useSDE) ?? false
        sdeSampleFrequency = try container.decodeIfPresent(Int.self, forKey: .sdeSampleFrequency) ?? defaults.sdeSampleFrequency
    }

    public func validate() throws {
        try common.validate()
        try validateOptions()  // the shared on-policy settings, epochs, clip ranges, gSDE (PPOConfig+Options.swift)
        try onPolicy.validate()
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try PPO(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, generator: &generator)
    }
}

public final class PPO {
    public let config: PPOConfig
    let networks: GaussianActorCritic
    /// Rollout updates so far.
    public internal(set) var updateCount = 0

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: PPOConfig = PPOConfig(),
                generator: inout SeededGenerator) throws {
        try config.validate()
        self.config = config
        networks = try GaussianActorCritic(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh,
                                           common: config.common, onPolicy: config.onPolicy,
                                           stateDependentSampleFrequency: config.useSDE ? config.sdeSampleFrequency : nil, generator: &generator)
    }

    public var observationSize: Int { networks.observationSize }
    public var actionSize: Int { networks.actionSize }

    /// The update of one rollout: 1 advantages and returns (GAE, with V and π_old of the acting policy),
    /// 2 for each epoch, for each shuffled minibatch: the clipped surrogate, the entropy bonus and the
    /// value loss, one clipped gradient step; 3 the observation statistics take in the rollout.
    public func update(onRollout rollout: TransitionBatch, segments: Int, progressRemaining: Double,
                using generator: inout SeededGenerator) -> UpdateMetrics {
        let prepared = PreparedRollout(rollout, segments: segments, discount: config.common.discount,
                                       lambda: config.onPolicy.gaeLambda, networks: networks)
        let learningRate = Float(config.common.learningRate * (config.onPolicy.annealLearningRate ? max(progressRemaining, 0) : 1))
        var sums = (policy: 0.0, value: 0.0, entropy: 0.0, kl: 0.0, clip: 0.0, norm: 0.0, std: 0.0), steps = 0
        var order = Array(0..<prepared.rows)
        let size = config.common.batchSize
        for _ in 0..<config.epochs {
            shuffle(&order, using: &generator)
            for start in stride(from: 0, to: prepared.rows, by: size) {
                let minibatch = Minibatch(prepared, rows: order[start..<min(start + size, prepared.rows)],
                                          observationSize: observationSize, actionSize: actionSize,
                                          normalizeAdvantages: config.normalizeAdvantage)
                let losses = minibatchLosses(minibatch)
                sums.policy += losses.policy; sums.value += losses.value; sums.entropy += losses.entropy
                sums.kl += losses.approximateKL; sums.clip += losses.clipFraction; sums.std += losses.meanStd
                sums.norm += networks.applyGradients(learningRate: learningRate, maxNorm: config.onPolicy.maxGradientNorm)
                steps += 1
            }
        }
        rollout.observations.withUnsafeBufferPointer { networks.statistics?.update(with: $0.baseAddress!, rows: rollout.count) }
        updateCount += 1
        let n = Double(steps)
        return ["policy_loss": sums.policy / n, "value_loss": sums.value / n, "entropy": sums.entropy / n,
                "approx_kl": sums.kl / n, "clip_fraction": sums.clip / n, "explained_variance": prepared.explainedVariance,
                "gradient_norm": sums.norm / n, "std": networks.stateDependentNoise == nil ? Double(exp(networks.logStd.values.reduce(0, +) / Float(actionSize))) : sums.std / n,
                "learning_rate": Double(learningRate)]
    }

    /// The losses of one minibatch, their gradients accumulated into the networks (no step):
    /// L = clipped surrogate − c_H·H + c_V·(V − R)² (value clipped when `valueClipRange` is set).
    /// With gSDE, σ(s) comes from the policy's last hidden layer, held constant (`StateDependentNoise`);
    /// `meanStd` is then the mean σ over the rows and action components (else 0).
    func minibatchLosses(_ minibatch: Minibatch) -> (policy: Double, value: Double, entropy: Double, approximateKL: Double, clipFraction: Double,
                                                     meanStd: Double) {
        var surrogate = ClippedSurrogateLoss.Result(loss: 0, approximateKL: 0, clipFraction: 0)
        var entropy = 0.0, meanStd = 0.0
        let n = actionSize, rows = minibatch.rows
        let losses = networks.computeGradients(input: minibatch.input, rows: rows, policyLoss: { means, meanGradient, logStdGradient in
            if networks.stateDependentNoise != nil {
                let rowLogStd = networks.rowLogStdOfLastForward(rows: rows)
                var rowLogStdGradient = [Double](repeating: 0, count: rows * n)
                surrogate = ClippedSurrogateLoss.lossAndGradient(
                    means: means, rowLogStd: rowLogStd, actions: minibatch.actions, advantages: minibatch.advantages,
                    oldLogProbabilities: minibatch.oldLogProbabilities, clipRange: config.clipRange, rows: rows, actionSize: n,
                    meanGradient: meanGradient, rowLogStdGradient: &rowLogStdGradient)
                let bonus = EntropyBonus.lossAndGradient(rowLogStd: rowLogStd, rows: rows, actionSize: n,
                                                         coefficient: config.onPolicy.entropyCoefficient, rowLogStdGradient: &rowLogStdGradient)
                networks.addRowLogStdGradient(rowLogStdGradient, rowLogStd: rowLogStd, rows: rows)
                entropy = bonus.entropy
                meanStd = rowLogStd.reduce(0) { $0 + exp($1) } / Double(rows * n)
                return surrogate.loss + bonus.loss
            }
            minibatch.actions.withUnsafeBufferPointer { a in
                minibatch.advantages.withUnsafeBufferPointer { advantages in
                    minibatch.oldLogProbabilities.withUnsafeBufferPointer { old in
                        surrogate = ClippedSurrogateLoss.lossAndGradient(
                            means: means, logStd: networks.logStd.base, actions: a.baseAddress!, advantages: advantages.baseAddress!,
                            oldLogProbabilities: old.baseAddress!, clipRange: config.clipRange, rows: rows, actionSize: n,
                            meanGradient: meanGradient, logStdGradient: logStdGradient)
                    }
                }
            }
            let bonus = EntropyBonus.lossAndGradient(logStd: networks.logStd.base, actionSize: n,
                                                     coefficient: config.onPolicy.entropyCoefficient, logStdGradient: logStdGradient)
            entropy = bonus.entropy
            return surrogate.loss + bonus.loss
        }, valueLoss: { values, gradient in
            minibatch.returns.withUnsafeBufferPointer { returns in
                minibatch.oldValues.withUnsafeBufferPointer { old in
                    ValueLoss.lossAndGradient(values: values, returns: returns.baseAddress!, rows: rows,
                                              coefficient: config.onPolicy.valueCoefficient, oldValues: old.baseAddress!,
                                              clipRange: config.valueClipRange, gradient: gradient)
                }
            }
        })
        return (surrogate.loss, losses.value / config.onPolicy.valueCoefficient, entropy, surrogate.approximateKL, surrogate.clipFraction,
                meanStd)
    }
}

/// Fisher–Yates with the learner's generator, so the minibatches depend on the seed only.
func shuffle(_ values: inout [Int], using generator: inout SeededGenerator) {
    guard values.count > 1 else { return }
    for i in stride(from: values.count - 1, to: 0, by: -1) {
        values.swapAt(i, generator.nextIndex(below: i + 1))
    }
}
