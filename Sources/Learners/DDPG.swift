import Foundation
import NeuralNetwork
import Randomness
import ReplayStore

/// Hyperparameters of DDPG. Defaults are Stable-Baselines3 2.x's `DDPG` defaults (the SB3 argument is
/// named for each), except the exploration noise, which SB3 leaves to the user.
public struct DDPGConfig: Codable, Equatable, Sendable {
    /// Widths of the hidden layers of actor and critic. SB3: `net_arch=[400, 300]` (TD3's policy, which DDPG uses).
    public var hiddenSizes: [Int] = [400, 300]
    /// Activation between hidden layers. SB3: `activation_fn=nn.ReLU`.
    public var activation: Activation = .relu
    /// Adam step size of actor and critic. SB3: `learning_rate=1e-3`.
    public var learningRate: Double = 1e-3
    /// Transitions per gradient step. SB3: `batch_size=256`.
    public var batchSize: Int = 256
    /// γ. SB3: `gamma=0.99`.
    public var discount: Double = 0.99
    /// τ of the Polyak target updates. SB3: `tau=0.005`.
    public var tau: Double = 0.005
    /// σ of the Gaussian exploration noise in [−1, 1] action units. SB3's default is no noise;
    /// 0.1 is RL Zoo's `NormalActionNoise(sigma=0.1)` for DDPG.
    public var explorationNoise: Double = 0.1
    /// Environment steps with uniformly random actions before learning (for the training loop). SB3: `learning_starts=100`.
    public var learningStarts: Int = 100
    /// Gradient steps per environment step (for the training loop). SB3: `train_freq=1, gradient_steps=1`.
    public var gradientStepsPerStep: Int = 1
    /// Transitions the replay store keeps (for the training loop). SB3: `buffer_size=1_000_000`.
    public var replayCapacity: Int = 1_000_000

    public init() {}
}

/// Deep Deterministic Policy Gradient: Lillicrap et al. 2016, "Continuous control with deep
/// reinforcement learning" (arXiv:1509.02971), Algorithm 1. One critic, one actor, a target of each,
/// both updated every step.
public final class DDPG {
    public let config: DDPGConfig
    public let observationSize: Int
    public let actionSize: Int
    public let actionScale: ActionScale

    /// observationSize → hidden… → actionSize, tanh output.
    let actor: MLP
    let actorTarget: MLP
    /// observationSize + actionSize → hidden… → 1.
    let critic: MLP
    let criticTarget: MLP
    let actorOptimizer: Adam
    let criticOptimizer: Adam
    public internal(set) var updateCount = 0

    private var rowCapacity = 0
    var criticInput = FloatBuffer(count: 0)
    var nextCriticInput = FloatBuffer(count: 0)
    var policyCriticInput = FloatBuffer(count: 0)
    var targets = FloatBuffer(count: 0)
    var valueGradient = FloatBuffer(count: 0)
    var actionScratch = FloatBuffer(count: 0)
    var actionGradient = FloatBuffer(count: 0)

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: DDPGConfig = DDPGConfig(),
                generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        guard !config.hiddenSizes.isEmpty, config.hiddenSizes.allSatisfy({ $0 > 0 }) else {
            throw LearnerError.invalidConfiguration("hidden sizes must be positive, got \(config.hiddenSizes)")
        }
        guard config.learningRate > 0, config.batchSize > 0 else {
            throw LearnerError.invalidConfiguration("learning rate and batch size must be positive")
        }
        guard (0...1).contains(config.discount), (0...1).contains(config.tau), config.explorationNoise >= 0 else {
            throw LearnerError.invalidConfiguration("discount and tau must lie in [0, 1] and the exploration noise must not be negative")
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
        critic = MLP(layerSizes: [observationSize + actionCount] + config.hiddenSizes + [1],
                     hiddenActivation: config.activation, outputActivation: .identity, generator: &generator)
        criticTarget = critic.copy()
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: Float(config.learningRate))
        criticOptimizer = Adam(parameterCount: critic.parameterCount, learningRate: Float(config.learningRate))
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
        for network in [actor, actorTarget, critic, criticTarget] { network.reserveRows(rows) }
        rowCapacity = rows
    }

    /// One critic step, one actor step, then both targets (Algorithm 1).
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        stage(batch)
        let rows = batch.count
        updateCount += 1

        // Critic: minimise L = mean_b (Q(s, a) − y)², y = r + γ (1 − terminated) Q̄(s', μ̄(s')) (eqs. 4–5).
        computeTargets(batch)
        let criticLoss = criticLossAndGradients(rows: rows)
        criticOptimizer.step(critic)

        // Actor: the deterministic policy gradient ∇_a Q(s, a)|_{a=μ(s)} ∇_θ μ(s) (eq. 6), as the loss −mean_b Q(s, μ(s)).
        let actorLoss = actorLossAndGradients(batch)
        actorOptimizer.step(actor)

        // Soft target updates θ' ← τ θ + (1 − τ) θ'.
        let tau = Float(config.tau)
        Polyak.update(target: criticTarget, toward: critic, tau: tau)
        Polyak.update(target: actorTarget, toward: actor, tau: tau)
        return ["critic_loss": criticLoss, "actor_loss": actorLoss]
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

    /// y = r + γ (1 − terminated) Q̄(s', μ̄(s')). Only `terminated` stops bootstrapping.
    func computeTargets(_ batch: TransitionBatch) {
        let rows = batch.count
        let nextAction = batch.nextObservations.withUnsafeBufferPointer { actorTarget.forward($0.baseAddress!, rows: rows) }
        CriticInput.writeActions(nextAction, rows: rows, observationSize: observationSize, actionSize: actionSize, into: nextCriticInput.base)
        let q = criticTarget.forward(nextCriticInput.base, rows: rows)
        let y = targets.base, discount = Float(config.discount)
        batch.rewards.withUnsafeBufferPointer { r in
            batch.terminated.withUnsafeBufferPointer { terminated in
                for i in 0..<rows { y[i] = r[i] + (terminated[i] ? 0 : discount * q[i]) }
            }
        }
    }

    /// mean_b (Q(s, a) − y)²; fills the critic's gradient.
    func criticLossAndGradients(rows: Int) -> Double {
        let q = critic.forward(criticInput.base, rows: rows)
        let loss = MeanSquaredError.evaluate(prediction: q, target: targets.base, count: rows, gradient: valueGradient.base)
        critic.backward(outputGradient: valueGradient.base, input: criticInput.base, rows: rows)
        return loss
    }

    /// −mean_b Q(s, μ(s)); fills the actor's gradient.
    func actorLossAndGradients(_ batch: TransitionBatch) -> Double {
        let rows = batch.count
        return batch.observations.withUnsafeBufferPointer { s in
            let action = actor.forward(s.baseAddress!, rows: rows)
            CriticInput.writeActions(action, rows: rows, observationSize: observationSize, actionSize: actionSize, into: policyCriticInput.base)
            let q = critic.forward(policyCriticInput.base, rows: rows)
            var sum: Double = 0
            let g = valueGradient.base, share = -1 / Float(rows)
            for i in 0..<rows {
                sum += Double(q[i])
                g[i] = share
            }
            critic.backward(outputGradient: g, input: policyCriticInput.base, rows: rows, computeParameterGradients: false,
                            inputGradient: actionGradient.base, inputColumns: observationSize..<(observationSize + actionSize))
            actor.backward(outputGradient: actionGradient.base, input: s.baseAddress!, rows: rows)
            return -sum / Double(rows)
        }
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        actorTarget.forwardFLOPs(rows: rows) + criticTarget.forwardFLOPs(rows: rows)
            + critic.forwardFLOPs(rows: rows) + critic.backwardFLOPs(rows: rows)
            + actor.forwardFLOPs(rows: rows) + critic.forwardFLOPs(rows: rows)
            + critic.backwardFLOPs(rows: rows, computeParameterGradients: false, inputColumns: actionSize)
            + actor.backwardFLOPs(rows: rows)
    }
}
