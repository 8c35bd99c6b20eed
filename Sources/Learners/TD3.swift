import Foundation
import NeuralNetwork
import Randomness
import ReplayStore

/// Hyperparameters of TD3. Defaults are Stable-Baselines3 2.x's `TD3` defaults (the SB3 argument is
/// named for each), except the exploration noise, which SB3 leaves to the user.
public struct TD3Config: Codable, Equatable, Sendable {
    /// Widths of the hidden layers of the actor and of each critic. SB3: `net_arch=[400, 300]` for TD3.
    public var hiddenSizes: [Int] = [400, 300]
    /// Activation between hidden layers. SB3: `activation_fn=nn.ReLU`.
    public var activation: Activation = .relu
    /// Adam step size of actor and critics. SB3: `learning_rate=1e-3`.
    public var learningRate: Double = 1e-3
    /// Transitions per gradient step. SB3: `batch_size=256`.
    public var batchSize: Int = 256
    /// γ. SB3: `gamma=0.99`.
    public var discount: Double = 0.99
    /// τ of the Polyak target updates. SB3: `tau=0.005`.
    public var tau: Double = 0.005
    /// The actor and the targets are updated every this many critic updates. SB3: `policy_delay=2`.
    public var policyDelay: Int = 2
    /// σ of the target policy smoothing noise. SB3: `target_policy_noise=0.2`.
    public var targetPolicyNoise: Double = 0.2
    /// The smoothing noise is clipped to ±this. SB3: `target_noise_clip=0.5`.
    public var targetNoiseClip: Double = 0.5
    /// σ of the Gaussian exploration noise, in [−1, 1] action units. SB3's default is no noise; 0.1 is the
    /// TD3 paper's value and RL Zoo's `NormalActionNoise(sigma=0.1)`.
    public var explorationNoise: Double = 0.1
    /// Environment steps with uniformly random actions before learning (for the training loop). SB3: `learning_starts=100`.
    public var learningStarts: Int = 100
    /// Gradient steps per environment step (for the training loop). SB3: `train_freq=1, gradient_steps=1`.
    public var gradientStepsPerStep: Int = 1
    /// Transitions the replay store keeps (for the training loop). SB3: `buffer_size=1_000_000`.
    public var replayCapacity: Int = 1_000_000

    public init() {}
}

/// Twin Delayed DDPG: Fujimoto, van Hoof & Meger 2018, "Addressing Function Approximation Error in
/// Actor-Critic Methods" (arXiv:1802.09477), computed as Stable-Baselines3's `TD3.train` does.
///
/// The actor maps an observation to tanh(…) ∈ [−1, 1]ᴬ; critics see [observation | action in [−1, 1]].
/// Batches hold environment-unit actions; they are mapped to [−1, 1] with the action bounds.
public final class TD3 {
    public let config: TD3Config
    public let observationSize: Int
    public let actionSize: Int
    public let actionScale: ActionScale

    /// observationSize → hidden… → actionSize, tanh output (SB3's `mu`).
    let actor: MLP
    let actorTarget: MLP
    /// Q₁ and Q₂: observationSize + actionSize → hidden… → 1.
    let critics: [MLP]
    let targetCritics: [MLP]
    let actorOptimizer: Adam
    let criticOptimizers: [Adam]
    /// Critic updates so far (SB3's `_n_updates`); the actor steps when it is a multiple of `policyDelay`.
    public internal(set) var updateCount = 0

    private var rowCapacity = 0
    var criticInput = FloatBuffer(count: 0)
    var nextCriticInput = FloatBuffer(count: 0)
    var policyCriticInput = FloatBuffer(count: 0)
    var targets = FloatBuffer(count: 0)
    var valueGradient = FloatBuffer(count: 0)
    /// rows × A: batch actions in [−1, 1], then the smoothing noise.
    var actionScratch = FloatBuffer(count: 0)
    /// rows × A: ∂L/∂μ(s).
    var actionGradient = FloatBuffer(count: 0)

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: TD3Config = TD3Config(),
                generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        guard !config.hiddenSizes.isEmpty, config.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw LearnerError.invalidConfiguration("hidden sizes must be positive, got \(config.hiddenSizes)")
        }
        guard config.learningRate > 0, config.batchSize > 0, config.policyDelay > 0 else {
            throw LearnerError.invalidConfiguration("learning rate, batch size and policy delay must be positive")
        }
        guard (0...1).contains(config.discount), (0...1).contains(config.tau),
              config.targetPolicyNoise >= 0, config.targetNoiseClip >= 0, config.explorationNoise >= 0 else {
            throw LearnerError.invalidConfiguration("discount and tau must lie in [0, 1] and noise scales must not be negative")
        }
        do {
            actionScale = try ActionScale(low: actionLow, high: actionHigh)
        } catch {
            throw LearnerError.invalidConfiguration("\(error)")
        }
        self.config = config
        self.observationSize = observationSize
        let actionCount = actionLow.count
        actionSize = actionCount
        actor = MLP(layerSizes: [observationSize] + config.hiddenSizes + [actionCount],
                    hiddenActivation: config.activation, outputActivation: .tanh, generator: &generator)
        actorTarget = actor.copy()
        var critics: [MLP] = []
        for _ in 0..<2 {
            critics.append(MLP(layerSizes: [observationSize + actionCount] + config.hiddenSizes + [1],
                               hiddenActivation: config.activation, outputActivation: .identity, generator: &generator))
        }
        self.critics = critics
        targetCritics = critics.map { $0.copy() }
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: Float(config.learningRate))
        criticOptimizers = critics.map { Adam(parameterCount: $0.parameterCount, learningRate: Float(config.learningRate)) }
        reserveRows(config.batchSize)
    }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        let width = observationSize + actionSize
        criticInput = FloatBuffer(count: rows * width)
        nextCriticInput = FloatBuffer(count: rows * width)
        policyCriticInput = FloatBuffer(count: rows * width)
        targets = FloatBuffer(count: rows)
        valueGradient = FloatBuffer(count: rows)
        actionScratch = FloatBuffer(count: rows * actionSize)
        actionGradient = FloatBuffer(count: rows * actionSize)
        for network in [actor, actorTarget] + critics + targetCritics { network.reserveRows(rows) }
        rowCapacity = rows
    }

    /// One critic step; every `policyDelay`-th call also one actor step and the target updates (Algorithm 1).
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        stage(batch)
        let rows = batch.count
        updateCount += 1

        // Critics: clipped double-Q target with target policy smoothing (eqs. 10 and 15), both critics
        // regressed onto it; SB3 sums their mean squared errors.
        computeTargets(batch, using: &generator)
        let criticLoss = criticLossAndGradients(rows: rows)
        for k in 0..<2 { criticOptimizers[k].step(critics[k]) }

        var metrics: UpdateMetrics = ["critic_loss": criticLoss]
        // Delayed policy updates (section 5.2): actor through Q₁ (deterministic policy gradient), then targets.
        if updateCount % config.policyDelay == 0 {
            let actorLoss = actorLossAndGradients(batch)
            actorOptimizer.step(actor)
            let tau = Float(config.tau)
            for k in 0..<2 { Polyak.update(target: targetCritics[k], toward: critics[k], tau: tau) }
            Polyak.update(target: actorTarget, toward: actor, tau: tau)
            metrics["actor_loss"] = actorLoss
        }
        return metrics
    }

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
        batch.actions.withUnsafeBufferPointer { a in actionScale.toNetwork(a.baseAddress!, rows: rows, into: actionScratch.base) }
        CriticInput.writeActions(actionScratch.base, rows: rows, observationSize: observationSize, actionSize: actionSize, into: criticInput.base)
    }

    /// y = r + γ (1 − terminated) min_k Q̄_k(s', ã'),  ã' = clip(μ̄(s') + clip(N(0, σ²), −c, c), −1, 1).
    func computeTargets(_ batch: TransitionBatch, using generator: inout SeededGenerator) {
        let rows = batch.count, count = rows * actionSize
        let nextAction = batch.nextObservations.withUnsafeBufferPointer { actorTarget.forward($0.baseAddress!, rows: rows) }
        let noise = actionScratch.base
        generator.fillGaussian(UnsafeMutableBufferPointer(start: noise, count: count))
        let sigma = Float(config.targetPolicyNoise), clip = Float(config.targetNoiseClip)
        for i in 0..<count {
            let smoothing = min(max(sigma * noise[i], -clip), clip)
            noise[i] = min(max(nextAction[i] + smoothing, -1), 1)
        }
        CriticInput.writeActions(noise, rows: rows, observationSize: observationSize, actionSize: actionSize, into: nextCriticInput.base)
        let q1 = targetCritics[0].forward(nextCriticInput.base, rows: rows)
        let q2 = targetCritics[1].forward(nextCriticInput.base, rows: rows)
        let y = targets.base, discount = Float(config.discount)
        batch.rewards.withUnsafeBufferPointer { r in
            batch.terminated.withUnsafeBufferPointer { terminated in
                for i in 0..<rows { y[i] = r[i] + (terminated[i] ? 0 : discount * min(q1[i], q2[i])) }
            }
        }
    }

    /// Σ_k mean_b (Q_k(s, a) − y)²; fills both critics' gradients.
    func criticLossAndGradients(rows: Int) -> Double {
        var loss: Double = 0
        for k in 0..<2 {
            let q = critics[k].forward(criticInput.base, rows: rows)
            loss += MeanSquaredError.evaluate(prediction: q, target: targets.base, count: rows, gradient: valueGradient.base)
            critics[k].backward(outputGradient: valueGradient.base, input: criticInput.base, rows: rows)
        }
        return loss
    }

    /// −mean_b Q₁(s, μ(s)); fills the actor's gradient (through Q₁'s action input and the tanh output).
    func actorLossAndGradients(_ batch: TransitionBatch) -> Double {
        let rows = batch.count
        return batch.observations.withUnsafeBufferPointer { s in
            let action = actor.forward(s.baseAddress!, rows: rows)
            CriticInput.writeActions(action, rows: rows, observationSize: observationSize, actionSize: actionSize, into: policyCriticInput.base)
            let q = critics[0].forward(policyCriticInput.base, rows: rows)
            var sum: Double = 0
            let g = valueGradient.base, share = -1 / Float(rows)
            for i in 0..<rows {
                sum += Double(q[i])
                g[i] = share
            }
            critics[0].backward(outputGradient: g, input: policyCriticInput.base, rows: rows, computeParameterGradients: false,
                                inputGradient: actionGradient.base, inputColumns: observationSize..<(observationSize + actionSize))
            actor.backward(outputGradient: actionGradient.base, input: s.baseAddress!, rows: rows)
            return -sum / Double(rows)
        }
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions, averaged over the policy delay.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        let critic = critics[0]
        let criticStep = actorTarget.forwardFLOPs(rows: rows) + 2 * targetCritics[0].forwardFLOPs(rows: rows)
            + 2 * (critic.forwardFLOPs(rows: rows) + critic.backwardFLOPs(rows: rows))
        let actorStep = actor.forwardFLOPs(rows: rows) + critic.forwardFLOPs(rows: rows)
            + critic.backwardFLOPs(rows: rows, computeParameterGradients: false, inputColumns: actionSize)
            + actor.backwardFLOPs(rows: rows)
        return criticStep + actorStep / Double(config.policyDelay)
    }
}
