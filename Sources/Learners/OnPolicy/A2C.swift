import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Advantage actor-critic, synchronous (A2C): Mnih et al. 2016, "Asynchronous methods for deep
/// reinforcement learning" (arXiv:1602.01783), algorithm S3, run synchronously over environment copies
/// as OpenAI Baselines and Stable-Baselines3 do, with GAE(λ) advantages (λ = 1: the n-step advantage)
/// and an entropy bonus; one gradient step per rollout on all of it.
///
/// With `replayRatio` K > 0, each rollout update is followed by K updates on sequences replayed from the
/// run's store, corrected by V-trace (Espeholt et al. 2018, "IMPALA", section 4): value targets v_s and
/// policy-gradient advantages min(ρ̄, ρ_s)(r_s + γ v_{s+1} − V(x_s)) from `VTrace.targets`, with
/// ρ_s = π(a_s|x_s)/μ(a_s|x_s), μ the stored behavior log-probability.
///
/// Defaults are SB3 2.x's `A2C`, except the optimiser (SB3: RMSprop with α 0.99, ε 1e-5; here Adam with
/// ε 1e-5) and the copies (SB3 leaves n_envs to the user; 4 here, as PPO's).
public struct A2CConfig: OnPolicyLearnerConfig {
    public static let algorithmName = "a2c"
    public static let summary = "A2C (Mnih et al. 2016), on-policy; optional V-trace replay"
    public static let isOnPolicy = true

    /// SB3: `learning_rate=7e-4`, `gamma=0.99`, 64-64 tanh networks. `batchSize` and τ are unused (a
    /// rollout is one batch).
    public var common = CommonHyperparameters(hiddenSizes: [64, 64], activation: .tanh, learningRate: 7e-4, batchSize: 20)
    /// SB3: `n_steps=5`, `gae_lambda=1.0`, `ent_coef=0.0`, `vf_coef=0.5`, `max_grad_norm=0.5`,
    /// `ortho_init=True`, `log_std_init=0`; 4 copies.
    public var onPolicy = OnPolicyHyperparameters(environmentCount: 4, stepsPerEnvironment: 5, gaeLambda: 1)
    /// Normalise the rollout's advantages (SB3's `normalize_advantage=False`).
    public var normalizeAdvantage = false
    /// Replay updates after each rollout update (0: plain A2C).
    public var replayRatio = 0
    /// The correction of the replayed sequences.
    public var correction = ReplayCorrection.defaultVTrace

    public init() {}

    public func validate() throws {
        try common.validate()
        try validateOptions()  // the shared on-policy settings, the replay ratio, V-trace's ρ̄, c̄ and λ (A2CConfig+Options.swift)
        try onPolicy.validate()
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try A2C(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, source: self, generator: &generator)
    }
}

public final class A2C {
    /// The settings the update uses (for REINFORCE, the A2C settings its config stands for).
    public let config: A2CConfig
    /// The config as the user gave it (`A2CConfig` or `REINFORCEConfig`): its name labels files.
    let sourceConfig: any LearnerConfig
    let networks: GaussianActorCritic
    /// Updates so far (rollout and replay updates).
    public internal(set) var updateCount = 0

    public convenience init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: A2CConfig = A2CConfig(),
                            generator: inout SeededGenerator) throws {
        try self.init(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: config, source: config,
                      generator: &generator)
    }

    init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: A2CConfig, source: any LearnerConfig,
         generator: inout SeededGenerator) throws {
        try config.validate()
        self.config = config
        sourceConfig = source
        networks = try GaussianActorCritic(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh,
                                           common: config.common, onPolicy: config.onPolicy, generator: &generator)
    }

    public var observationSize: Int { networks.observationSize }
    public var actionSize: Int { networks.actionSize }

    private func learningRate(_ progressRemaining: Double) -> Float {
        Float(config.common.learningRate * (config.onPolicy.annealLearningRate ? max(progressRemaining, 0) : 1))
    }

    /// The update of one rollout: 1 advantages and returns (GAE(λ)); 2 the policy-gradient loss, the
    /// entropy bonus and the value loss on the whole rollout, one clipped gradient step; 3 the observation
    /// statistics take in the rollout.
    public func update(onRollout rollout: TransitionBatch, segments: Int, progressRemaining: Double,
                       using generator: inout SeededGenerator) -> UpdateMetrics {
        let prepared = PreparedRollout(rollout, segments: segments, discount: config.common.discount,
                                       lambda: config.onPolicy.gaeLambda, networks: networks)
        var advantages = prepared.advantages
        if config.normalizeAdvantage && advantages.count > 1 {
            let mean = advantages.reduce(0, +) / Double(advantages.count)
            let std = (advantages.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(advantages.count - 1)).squareRoot()
            advantages = advantages.map { ($0 - mean) / (std + 1e-8) }
        }
        let losses = lossesAndGradients(input: prepared.input, actions: prepared.actions, advantages: advantages,
                                        valueTargets: prepared.returns, rows: prepared.rows)
        let norm = networks.applyGradients(learningRate: learningRate(progressRemaining), maxNorm: config.onPolicy.maxGradientNorm)
        rollout.observations.withUnsafeBufferPointer { networks.statistics?.update(with: $0.baseAddress!, rows: rollout.count) }
        updateCount += 1
        return ["policy_loss": losses.policy, "value_loss": losses.value, "entropy": losses.entropy,
                "explained_variance": prepared.explainedVariance, "gradient_norm": norm,
                "std": Double(exp(networks.logStd.values.reduce(0, +) / Float(actionSize)))]
    }

    /// The A2C loss of explicit inputs, gradients accumulated into the networks (no step):
    /// L = −mean(Â log π(a|s)) − c_H·H + c_V·mean((V(s) − target)²).
    func lossesAndGradients(input: [Float], actions: [Float], advantages: [Double], valueTargets: [Double],
                            rows: Int) -> (policy: Double, value: Double, entropy: Double) {
        var entropy = 0.0
        let n = actionSize
        let losses = networks.computeGradients(input: input, rows: rows, policyLoss: { means, meanGradient, logStdGradient in
            let policyLoss = actions.withUnsafeBufferPointer { a in
                advantages.withUnsafeBufferPointer { advantage in
                    PolicyGradientLoss.lossAndGradient(means: means, logStd: networks.logStd.base, actions: a.baseAddress!,
                                                       advantages: advantage.baseAddress!, rows: rows, actionSize: n,
                                                       meanGradient: meanGradient, logStdGradient: logStdGradient)
                }
            }
            let bonus = EntropyBonus.lossAndGradient(logStd: networks.logStd.base, actionSize: n,
                                                     coefficient: config.onPolicy.entropyCoefficient, logStdGradient: logStdGradient)
            entropy = bonus.entropy
            return policyLoss + bonus.loss
        }, valueLoss: { values, gradient in
            valueTargets.withUnsafeBufferPointer { targets in
                ValueLoss.lossAndGradient(values: values, returns: targets.baseAddress!, rows: rows,
                                          coefficient: config.onPolicy.valueCoefficient, gradient: gradient)
            }
        })
        let policyPart = losses.policy + config.onPolicy.entropyCoefficient * entropy
        return (policyPart, losses.value / config.onPolicy.valueCoefficient, entropy)
    }

    /// The V-trace targets of replayed sequences (sequence-major, `count` runs of equal length) under the
    /// current networks: the networks' input, and per row the value target v_s, the policy-gradient
    /// advantage and the ratio ρ_s = π(a_s|x_s)/μ(a_s|x_s), 0 where μ is unknown (NaN, `ImportanceRatio`).
    /// Uncorrected replay takes every ρ as 1.
    func replayTargets(_ sequences: TransitionBatch, count: Int) -> (input: [Float], values: [Double], advantages: [Double], ratios: [Double]) {
        let rows = sequences.count, length = rows / count
        precondition(count > 0 && rows % count == 0, "\(rows) rows do not split into \(count) sequences")
        let input = sequences.observations.withUnsafeBufferPointer { networks.input($0.baseAddress!, rows: rows) }
        let nextInput = sequences.nextObservations.withUnsafeBufferPointer { networks.input($0.baseAddress!, rows: rows) }
        let values = networks.values(ofInput: input, rows: rows)
        let nextValues = networks.values(ofInput: nextInput, rows: rows)
        let logProbabilities = networks.logProbabilities(ofInput: input, actions: sequences.actions, rows: rows)
        var targets = [Double](), advantages = [Double](), ratios = [Double]()
        let gamma = config.common.discount
        for s in 0..<count {
            let range = (s * length)..<((s + 1) * length)
            // ρ = 0 where μ is unknown (NaN): the trace is cut and the row's advantage is zero (`ImportanceRatio`).
            var sequenceRatios = range.map {
                ImportanceRatio.ratio(logTarget: logProbabilities[$0], logBehavior: Double(sequences.behaviorLogProbabilities[$0]))
            }
            let result: VTraceTargets
            switch config.correction {
            case .vtrace(let clipRatio, let clipTraceRatio, let lambda):
                result = VTrace.targets(values: Array(values[range]), nextValues: Array(nextValues[range]),
                                        rewards: range.map { Double(sequences.rewards[$0]) },
                                        discounts: range.map { sequences.terminated[$0] ? 0 : gamma }, ratios: sequenceRatios,
                                        lambda: lambda, clipRatio: clipRatio, clipPolicyGradientRatio: clipRatio, clipTraceRatio: clipTraceRatio)
            case .none:
                sequenceRatios = sequenceRatios.map { _ in 1 }
                result = VTrace.targets(values: Array(values[range]), nextValues: Array(nextValues[range]),
                                        rewards: range.map { Double(sequences.rewards[$0]) },
                                        discounts: range.map { sequences.terminated[$0] ? 0 : gamma }, ratios: sequenceRatios,
                                        lambda: config.onPolicy.gaeLambda)
            }
            targets += result.values
            advantages += result.policyGradientAdvantages
            ratios += sequenceRatios
        }
        return (input, targets, advantages, ratios)
    }

    /// One replay update: V-trace targets of the replayed sequences, then the A2C loss with the V-trace
    /// policy-gradient advantages and value targets, one clipped gradient step.
    public func replayUpdate(on sequences: TransitionBatch, progressRemaining: Double, using generator: inout SeededGenerator) -> UpdateMetrics {
        let replay = replayTargets(sequences, count: replaySequenceCount)
        let losses = lossesAndGradients(input: replay.input, actions: sequences.actions, advantages: replay.advantages,
                                        valueTargets: replay.values, rows: sequences.count)
        let norm = networks.applyGradients(learningRate: learningRate(progressRemaining), maxNorm: config.onPolicy.maxGradientNorm)
        updateCount += 1
        return ["replay_policy_loss": losses.policy, "replay_value_loss": losses.value, "replay_ratio_mean": replay.ratios.reduce(0, +) / Double(replay.ratios.count),
                "replay_gradient_norm": norm,
                "replay_unknown_behavior": Double(sequences.behaviorLogProbabilities.filter(ImportanceRatio.isUnknown).count) / Double(sequences.count)]
    }
}
