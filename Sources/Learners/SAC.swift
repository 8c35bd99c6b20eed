import Foundation
import NeuralNetwork
import Randomness
import ReplayStore

/// Hyperparameters of Soft Actor-Critic. Every default is Stable-Baselines3 2.x's `SAC` default
/// (the name of the SB3 argument is given for each).
public struct SACConfig: Codable, Equatable, Sendable {
    /// Widths of the hidden layers of the actor and of each critic. SB3: `net_arch=[256, 256]` for SAC.
    public var hiddenSizes: [Int] = [256, 256]
    /// Activation between hidden layers. SB3: `activation_fn=nn.ReLU`.
    public var activation: Activation = .relu
    /// Adam step size of the actor, the critics and the temperature. SB3: `learning_rate=3e-4`.
    public var learningRate: Double = 3e-4
    /// Transitions per gradient step. SB3: `batch_size=256`.
    public var batchSize: Int = 256
    /// γ. SB3: `gamma=0.99`.
    public var discount: Double = 0.99
    /// τ of the Polyak target update. SB3: `tau=0.005`.
    public var tau: Double = 0.005
    /// α. SB3: `ent_coef="auto"`, which learns α starting from 1.
    public var entropyCoefficient: EntropyCoefficient = .learned(initial: 1)
    /// The entropy target H̄ of the temperature loss; nil means −dim(A). SB3: `target_entropy="auto"`.
    public var targetEntropy: Double? = nil
    /// Update the target critics every this many gradient steps. SB3: `target_update_interval=1`.
    public var targetUpdateInterval: Int = 1
    /// Environment steps taken with uniformly random actions before learning starts (for the training loop).
    /// SB3: `learning_starts=100`.
    public var learningStarts: Int = 100
    /// Gradient steps per environment step (for the training loop). SB3: `train_freq=1, gradient_steps=1`.
    public var gradientStepsPerStep: Int = 1
    /// Transitions the replay store keeps (for the training loop). SB3: `buffer_size=1_000_000`.
    public var replayCapacity: Int = 1_000_000

    public init() {}
}

/// Soft Actor-Critic with twin critics, target critics and automatic entropy tuning:
/// Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications" (arXiv:1812.05905),
/// computed as Stable-Baselines3's `SAC.train` does.
///
/// The actor maps an observation to [μ | log σ] (one network: the hidden layers are SB3's
/// `latent_pi`, the last layer stacks its `mu` and `log_std` layers); `SquashedGaussianHead` turns that
/// into a tanh-squashed action in [−1, 1]. Critics see [observation | action in [−1, 1]].
/// Batches hold environment-unit actions; they are mapped to [−1, 1] with the action bounds.
public final class SAC {
    public let config: SACConfig
    public let observationSize: Int
    public let actionSize: Int
    public let actionScale: ActionScale
    /// H̄, the entropy target of the temperature loss.
    public let targetEntropy: Float

    /// [observation] → [μ | log σ]: observationSize → hidden… → 2·actionSize.
    let actor: MLP
    let head: SquashedGaussianHead
    /// Q₁ and Q₂: [observation | action] → Q, observationSize + actionSize → hidden… → 1.
    let critics: [MLP]
    let targetCritics: [MLP]
    let actorOptimizer: Adam
    let criticOptimizers: [Adam]
    /// log α (one element) and its gradient; α = exp(log α).
    let logAlpha: FloatBuffer
    let logAlphaGradient: FloatBuffer
    /// nil when α is fixed.
    let alphaOptimizer: Adam?
    /// Gradient steps taken so far.
    public internal(set) var updateCount = 0

    // Workspaces, sized for the largest batch seen; nothing is allocated per update after the first.
    private var rowCapacity = 0
    /// rows × (O + A): [s | a] for the critic loss.
    var criticInput = FloatBuffer(count: 0)
    /// rows × (O + A): [s' | ã'] for the target.
    var nextCriticInput = FloatBuffer(count: 0)
    /// rows × (O + A): [s | ã] for the actor loss.
    var policyCriticInput = FloatBuffer(count: 0)
    /// rows: the soft Bellman targets y.
    var targets = FloatBuffer(count: 0)
    /// rows: ∂L/∂Q for one critic, and for the second one in the actor loss.
    var valueGradient = FloatBuffer(count: 0)
    var secondValueGradient = FloatBuffer(count: 0)
    /// rows × A: batch actions in [−1, 1]; then ∂L/∂ã from Q₁.
    var actionScratch = FloatBuffer(count: 0)
    /// rows × A: ∂L/∂ã from Q₂.
    var actionGradient = FloatBuffer(count: 0)
    /// rows × 2A: ∂L/∂[μ | log σ].
    var rawGradient = FloatBuffer(count: 0)
    /// min(Q₁, Q₂) of the last actor loss, for metrics.
    private var meanPolicyValue: Double = 0

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: SACConfig = SACConfig(),
                generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        guard !config.hiddenSizes.isEmpty, config.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw LearnerError.invalidConfiguration("hidden sizes must be positive, got \(config.hiddenSizes)")
        }
        guard config.learningRate > 0, config.batchSize > 0, config.targetUpdateInterval > 0 else {
            throw LearnerError.invalidConfiguration("learning rate, batch size and target update interval must be positive")
        }
        guard (0...1).contains(config.discount), (0...1).contains(config.tau) else {
            throw LearnerError.invalidConfiguration("discount and tau must lie in [0, 1]")
        }
        do {
            actionScale = try ActionScale(low: actionLow, high: actionHigh)
        } catch {
            throw LearnerError.invalidConfiguration("\(error)")
        }
        self.config = config
        self.observationSize = observationSize
        actionSize = actionLow.count
        targetEntropy = Float(config.targetEntropy ?? -Double(actionLow.count))

        let actionCount = actionLow.count
        // The passes of one update run one after another, so all networks share one backward scratch, and
        // target critic k shares critic k's activations (its own are dead once the targets are computed).
        // The update then touches less memory, and more of it stays in cache.
        let scratch = Workspace()
        actor = MLP(layerSizes: [observationSize] + config.hiddenSizes + [2 * actionCount],
                    hiddenActivation: config.activation, outputActivation: .identity, scratch: scratch, generator: &generator)
        head = SquashedGaussianHead(actionSize: actionCount)
        var critics: [MLP] = []
        for _ in 0..<2 {
            critics.append(MLP(layerSizes: [observationSize + actionCount] + config.hiddenSizes + [1],
                               hiddenActivation: config.activation, outputActivation: .identity, scratch: scratch, generator: &generator))
        }
        self.critics = critics
        targetCritics = critics.map { $0.copy(activations: $0.activations, scratch: scratch) }
        let learningRate = Float(config.learningRate)
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: learningRate)
        criticOptimizers = critics.map { Adam(parameterCount: $0.parameterCount, learningRate: learningRate) }
        logAlphaGradient = FloatBuffer(count: 1)
        switch config.entropyCoefficient {
        case .learned(let initial):
            guard initial > 0 else { throw LearnerError.invalidConfiguration("the initial entropy coefficient must be positive") }
            logAlpha = FloatBuffer([Float(log(initial))])
            alphaOptimizer = Adam(parameterCount: 1, learningRate: learningRate)
        case .fixed(let value):
            guard value >= 0 else { throw LearnerError.invalidConfiguration("the entropy coefficient must not be negative") }
            logAlpha = FloatBuffer([Float(log(value))])
            alphaOptimizer = nil
        }
        reserveRows(config.batchSize)
    }

    /// The current temperature α.
    public var alpha: Float { exp(logAlpha.base[0]) }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        let width = observationSize + actionSize
        criticInput = FloatBuffer(count: rows * width)
        nextCriticInput = FloatBuffer(count: rows * width)
        policyCriticInput = FloatBuffer(count: rows * width)
        targets = FloatBuffer(count: rows)
        valueGradient = FloatBuffer(count: rows)
        secondValueGradient = FloatBuffer(count: rows)
        actionScratch = FloatBuffer(count: rows * actionSize)
        actionGradient = FloatBuffer(count: rows * actionSize)
        rawGradient = FloatBuffer(count: rows * 2 * actionSize)
        actor.reserveRows(rows)
        head.reserveRows(rows)
        for network in critics + targetCritics { network.reserveRows(rows) }
        rowCapacity = rows
    }

    /// One gradient step on every network, in SB3's order: critics, actor, temperature, targets.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        stage(batch)
        let rows = batch.count
        // α of this step (SB3 reads it before the temperature's own step).
        let alpha = self.alpha

        // Critics: minimise J_Q (eq. 5) against the soft Bellman target (eqs. 2–3) of the target critics.
        computeTargets(batch, alpha: alpha, using: &generator)
        // ã ~ π(·|s) for the actor loss below. It depends on the actor alone, which the critics' step
        // leaves unchanged, and draws its noise right after the targets' as before: sampling it now
        // gives the same ã and lets each critic evaluate Q_k(s, ã) right after its own step.
        let raw = samplePolicyActions(batch, using: &generator)
        // Each critic takes its Adam step as soon as its gradient is complete, while that gradient is
        // still in cache: the two losses are independent, so this equals stepping both afterwards.
        // The target critics' Polyak update (SB3 does it last) only reads the critics, which nothing
        // after this changes, so it is fused into the critics' Adam step: one pass over their parameters.
        // Then Q_k(s, ã) with the new parameters of critic k, while they are in cache (nothing changes
        // them before the actor loss, which is where SB3 evaluates it).
        let updatesTargets = (updateCount + 1) % config.targetUpdateInterval == 0
        var q1: UnsafeMutablePointer<Float>?, q2: UnsafeMutablePointer<Float>?
        let criticLoss = criticLossAndGradients(rows: rows) { k in
            if updatesTargets {
                criticOptimizers[k].step(critics[k], averagingInto: targetCritics[k], tau: Float(config.tau))
            } else {
                criticOptimizers[k].step(critics[k])
            }
            let q = critics[k].forward(policyCriticInput.base, rows: rows)
            if k == 0 { q1 = q } else { q2 = q }
        }

        // Actor: minimise the reparameterised J_π (eq. 9) through the freshly updated critics.
        let (actorLoss, meanLogProbability) = actorLossAndGradients(batch, raw: raw, q1: q1!, q2: q2!, alpha: alpha)
        actorOptimizer.step(actor)

        // Temperature: minimise J(α) (eq. 18) in log α, as SB3 does.
        var alphaLoss = Float.nan
        if let alphaOptimizer {
            alphaLoss = temperatureLossAndGradient(meanLogProbability: meanLogProbability)
            alphaOptimizer.step(parameters: logAlpha, gradients: logAlphaGradient)
        }

        // Target critics: Polyak averaging with τ, done above with the critics' Adam step.
        updateCount += 1
        return ["critic_loss": criticLoss, "actor_loss": actorLoss, "alpha": Double(alpha),
                "alpha_loss": Double(alphaLoss), "log_probability": Double(meanLogProbability),
                "q_policy": meanPolicyValue]
    }

    /// Writes [s | a] (a mapped to [−1, 1]) and the s' half of [s' | ·].
    func stage(_ batch: TransitionBatch) {
        CriticInput.check(batch.observationSize, batch.actionSize, observationSize: observationSize, actionSize: actionSize)
        reserveRows(batch.count)
        let rows = batch.count
        batch.observations.withUnsafeBufferPointer { s in
            CriticInput.writeObservations(s.baseAddress!, rows: rows, observationSize: observationSize, actionSize: actionSize, into: criticInput.base)
            CriticInput.writeObservations(s.baseAddress!, rows: rows, observationSize: observationSize, actionSize: actionSize, into: policyCriticInput.base)
        }
        batch.nextObservations.withUnsafeBufferPointer { next in
            CriticInput.writeObservations(next.baseAddress!, rows: rows, observationSize: observationSize, actionSize: actionSize, into: nextCriticInput.base)
        }
        batch.actions.withUnsafeBufferPointer { a in
            actionScale.toNetwork(a.baseAddress!, rows: rows, into: actionScratch.base)
        }
        CriticInput.writeActions(actionScratch.base, rows: rows, observationSize: observationSize, actionSize: actionSize, into: criticInput.base)
    }

    /// y = r + γ (1 − terminated) (min_k Q̄_k(s', ã') − α log π(ã'|s')), ã' ~ π(·|s') (eqs. 2–3).
    /// A truncated transition keeps bootstrapping: only `terminated` stops it.
    func computeTargets(_ batch: TransitionBatch, alpha: Float, using generator: inout SeededGenerator) {
        let rows = batch.count
        batch.nextObservations.withUnsafeBufferPointer { next in
            let raw = actor.forward(next.baseAddress!, rows: rows)
            head.sample(raw: raw, rows: rows, using: &generator)
        }
        CriticInput.writeActions(head.actions.base, rows: rows, observationSize: observationSize, actionSize: actionSize, into: nextCriticInput.base)
        let q1 = targetCritics[0].forward(nextCriticInput.base, rows: rows)
        let q2 = targetCritics[1].forward(nextCriticInput.base, rows: rows)
        let logp = head.logProbabilities.base, y = targets.base
        let discount = Float(config.discount)
        batch.rewards.withUnsafeBufferPointer { r in
            batch.terminated.withUnsafeBufferPointer { terminated in
                for i in 0..<rows {
                    let softValue = min(q1[i], q2[i]) - alpha * logp[i]
                    y[i] = r[i] + (terminated[i] ? 0 : discount * softValue)
                }
            }
        }
    }

    /// J_Q = ½ Σ_k mean_b (Q_k(s, a) − y)² (eq. 5; SB3 sums the twin losses with the factor ½).
    /// Fills both critics' gradients, calling `gradientReady` with k as soon as critic k's is complete.
    func criticLossAndGradients(rows: Int, gradientReady: (Int) -> Void = { _ in }) -> Double {
        var loss: Double = 0
        for k in 0..<2 {
            let q = critics[k].forward(criticInput.base, rows: rows)
            loss += MeanSquaredError.evaluate(prediction: q, target: targets.base, count: rows, scale: 0.5, gradient: valueGradient.base)
            critics[k].backward(outputGradient: valueGradient.base, input: criticInput.base, rows: rows)
            gradientReady(k)
        }
        return loss
    }

    /// J_π = mean_b [α log π(ã|s) − min_k Q_k(s, ã)], ã = tanh(μ(s) + σ(s) ε) (eq. 9 with the tanh
    /// squashing of appendix C). Fills the actor's gradient; returns the loss and mean log π(ã|s).
    func actorLossAndGradients(_ batch: TransitionBatch, alpha: Float, using generator: inout SeededGenerator) -> (loss: Double, meanLogProbability: Float) {
        let raw = samplePolicyActions(batch, using: &generator)
        let q1 = critics[0].forward(policyCriticInput.base, rows: batch.count)
        let q2 = critics[1].forward(policyCriticInput.base, rows: batch.count)
        return actorLossAndGradients(batch, raw: raw, q1: q1, q2: q2, alpha: alpha)
    }

    /// Samples ã ~ π(·|s) for the batch's observations (the actor's forward pass, then the head) and
    /// writes [s | ã] into `policyCriticInput`. Returns the actor's raw output [μ | log σ].
    func samplePolicyActions(_ batch: TransitionBatch, using generator: inout SeededGenerator) -> UnsafeMutablePointer<Float> {
        let rows = batch.count
        let raw = batch.observations.withUnsafeBufferPointer { s in
            let raw = actor.forward(s.baseAddress!, rows: rows)
            head.sample(raw: raw, rows: rows, using: &generator)
            return raw
        }
        CriticInput.writeActions(head.actions.base, rows: rows, observationSize: observationSize, actionSize: actionSize, into: policyCriticInput.base)
        return raw
    }

    /// The actor loss and gradients after `samplePolicyActions`, given the actor's raw output and
    /// Q_k(s, ã) from forward passes of both critics on `policyCriticInput` (each critic's last pass).
    func actorLossAndGradients(_ batch: TransitionBatch, raw: UnsafeMutablePointer<Float>,
                               q1: UnsafePointer<Float>, q2: UnsafePointer<Float>, alpha: Float) -> (loss: Double, meanLogProbability: Float) {
        let rows = batch.count
        let logp = head.logProbabilities.base
        // ∂L/∂Q_k is −1/B on the rows where Q_k is the smaller value (Q₁ on ties), 0 elsewhere.
        let g1 = valueGradient.base, g2 = secondValueGradient.base, share = 1 / Float(rows)
        var lossSum: Double = 0, logpSum: Double = 0, valueSum: Double = 0
        for i in 0..<rows {
            let firstIsSmaller = q1[i] <= q2[i]
            let value = firstIsSmaller ? q1[i] : q2[i]
            lossSum += Double(alpha * logp[i] - value)
            logpSum += Double(logp[i])
            valueSum += Double(value)
            g1[i] = firstIsSmaller ? -share : 0
            g2[i] = firstIsSmaller ? 0 : -share
        }
        // ∂L/∂ã through both critics (action columns only; the critics' own gradients are not needed).
        let actionColumns = observationSize..<(observationSize + actionSize)
        critics[0].backward(outputGradient: g1, input: policyCriticInput.base, rows: rows, computeParameterGradients: false,
                            inputGradient: actionScratch.base, inputColumns: actionColumns)
        critics[1].backward(outputGradient: g2, input: policyCriticInput.base, rows: rows, computeParameterGradients: false,
                            inputGradient: actionGradient.base, inputColumns: actionColumns)
        let ga = actionGradient.base, ga1 = actionScratch.base
        for i in 0..<(rows * actionSize) { ga[i] += ga1[i] }
        // Through the reparameterised sample, with ∂L/∂log π = α/B per row, then through the actor.
        head.backward(raw: raw, rows: rows, actionGradient: ga, logProbabilityWeight: alpha * share, into: rawGradient.base)
        batch.observations.withUnsafeBufferPointer { s in
            actor.backward(outputGradient: rawGradient.base, input: s.baseAddress!, rows: rows)
        }
        meanPolicyValue = valueSum / Double(rows)
        return (lossSum / Double(rows), Float(logpSum / Double(rows)))
    }

    /// J(α) = −log α · (mean_b log π(ã|s) + H̄) (eq. 18, optimised in log α as SB3 does);
    /// fills ∂J/∂log α and returns J.
    func temperatureLossAndGradient(meanLogProbability: Float) -> Float {
        let signal = meanLogProbability + targetEntropy
        logAlphaGradient.base[0] = -signal
        return -logAlpha.base[0] * signal
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        let critic = critics[0]
        let target = actor.forwardFLOPs(rows: rows) + 2 * targetCritics[0].forwardFLOPs(rows: rows)
        let criticStep = 2 * (critic.forwardFLOPs(rows: rows) + critic.backwardFLOPs(rows: rows))
        let actorStep = actor.forwardFLOPs(rows: rows)
            + 2 * (critic.forwardFLOPs(rows: rows) + critic.backwardFLOPs(rows: rows, computeParameterGradients: false, inputColumns: actionSize))
            + actor.backwardFLOPs(rows: rows)
        return target + criticStep + actorStep
    }
}
