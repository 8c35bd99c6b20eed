import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Hyperparameters of behavior cloning. Defaults are d3rlpy 2.x's `BCConfig` defaults (the d3rlpy
/// argument is named for each), except the policy, which is Gaussian by default here.
public struct BCConfig: LearnerConfig {
    public static let algorithmName = "bc"
    public static let summary = "Behavior cloning: maximum likelihood of the logged actions (offline)"

    /// The policy class a behavior-cloning learner fits.
    public enum Policy: String, Codable, Sendable {
        /// A tanh-squashed Gaussian fitted by maximum likelihood (SAC's actor and policy file).
        case gaussian
        /// A deterministic tanh policy fitted by mean squared error (TD3's actor and policy file).
        case deterministic
    }

    /// d3rlpy: `encoder_factory` default hidden units (256, 256), `learning_rate=1e-3`, `batch_size=100`.
    /// γ and τ are unused (no critic, no target).
    public var common = CommonHyperparameters(hiddenSizes: [256, 256], learningRate: 1e-3, batchSize: 100)
    /// d3rlpy's default is `policy_type="deterministic"`; maximum likelihood of a Gaussian is the classic BC.
    public var policy: Policy = .gaussian

    public init() {}

    public func validate() throws { try common.validate() }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try BehaviorCloning(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, generator: &generator)
    }
}

/// Behavior cloning (Pomerleau 1991; Bain & Sammut 1995): fit a policy to the logged (s, a) pairs.
/// Gaussian: minimise −mean_b log π(a|s) of a tanh-squashed Gaussian at the logged action; deterministic:
/// minimise mean_b ‖μ(s) − a‖². Actions are compared in the network's [−1, 1] units.
public final class BehaviorCloning {
    public let config: BCConfig
    public let observationSize: Int
    public let actionSize: Int
    public let actionScale: ActionScale

    /// Gaussian: observationSize → hidden… → 2·actionSize ([μ | log σ]); deterministic: → actionSize, tanh.
    let actor: MLP
    let head: SquashedGaussianHead
    let actorOptimizer: Adam
    public internal(set) var updateCount = 0

    /// rows × A: the batch's actions in [−1, 1].
    private var targetActions = FloatBuffer(count: 0)
    /// rows × (2A or A): ∂L/∂(actor output).
    private var outputGradient = FloatBuffer(count: 0)
    /// rows each: log π of the logged actions, and the weight −1/B of each in the loss.
    private var logProbabilities = FloatBuffer(count: 0)
    private var rowWeights = FloatBuffer(count: 0)
    private var rowCapacity = 0

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: BCConfig = BCConfig(),
                generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        try config.validate()
        actionScale = try ActionScale.forLearner(low: actionLow, high: actionHigh)
        self.config = config
        self.observationSize = observationSize
        actionSize = actionLow.count
        let outputs = config.policy == .gaussian ? 2 * actionSize : actionSize
        actor = MLP(layerSizes: [observationSize] + config.common.hiddenSizes + [outputs], hiddenActivation: config.common.activation,
                    outputActivation: config.policy == .gaussian ? .identity : .tanh, generator: &generator)
        head = SquashedGaussianHead(actionSize: actionSize)
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: Float(config.common.learningRate))
    }

    func stage(_ batch: TransitionBatch) {
        precondition(batch.observationSize == observationSize && batch.actionSize == actionSize,
                     "batch has observation size \(batch.observationSize) and action size \(batch.actionSize); the learner expects \(observationSize) and \(actionSize)")
        if batch.count > rowCapacity {
            targetActions = FloatBuffer(count: batch.count * actionSize)
            outputGradient = FloatBuffer(count: batch.count * actor.outputSize)
            logProbabilities = FloatBuffer(count: batch.count)
            rowWeights = FloatBuffer(count: batch.count)
            rowCapacity = batch.count
        }
        batch.actions.withUnsafeBufferPointer { actionScale.toNetwork($0.baseAddress!, rows: batch.count, into: targetActions.base) }
    }

    /// One Adam step on the cloning loss.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        stage(batch)
        let loss = lossAndGradient(batch)
        actorOptimizer.step(actor)
        updateCount += 1
        return ["bc_loss": loss]
    }

    public var metricNames: [String] { ["bc_loss"] }

    /// The cloning loss on the staged batch; fills the actor's gradient.
    /// - Gaussian: −mean_b log π(a|s), the density of the logged action a ∈ (−1, 1)ᴬ under the squashed
    ///   Gaussian (SAC's head; see `gaussianNegativeLogLikelihood`).
    /// - Deterministic: mean over rows and action components of (μ(s) − a)².
    func lossAndGradient(_ batch: TransitionBatch) -> Double {
        let rows = batch.count, n = actionSize
        return batch.observations.withUnsafeBufferPointer { s in
            let output = actor.forward(s.baseAddress!, rows: rows)
            let loss: Double
            switch config.policy {
            case .deterministic:
                loss = MeanSquaredError.evaluate(prediction: output, target: targetActions.base, count: rows * n,
                                                 gradient: outputGradient.base)
            case .gaussian:
                loss = gaussianNegativeLogLikelihood(raw: output, actions: targetActions.base, rows: rows, gradient: outputGradient.base)
            }
            actor.backward(outputGradient: outputGradient.base, input: s.baseAddress!, rows: rows)
            return loss
        }
    }

    /// log π(a|s) of the Gaussian policy in environment units (as `SAC.logProbabilities`): the behavior
    /// density μ̂ that SAC's truncated-IS actor gradient evaluates at actions its policy samples.
    public func logProbabilities(observations: [Float], actions: [Float]) -> [Float] {
        precondition(config.policy == .gaussian, "a deterministic policy has no density")
        return GaussianPolicy.logProbabilities(actor, head: head, actionScale: actionScale, observationSize: observationSize,
                                               observations: observations, actions: actions)
    }

    /// −mean_b log π(a_b|s_b) for raw rows [μ | ℓ] and network-unit actions; writes ∂L/∂raw. The density
    /// and its gradient are the squashed Gaussian head's (`SquashedGaussianHead.logProbabilities`, with its
    /// clip of actions on the bound).
    func gaussianNegativeLogLikelihood(raw: UnsafePointer<Float>, actions: UnsafePointer<Float>, rows: Int,
                                       gradient: UnsafeMutablePointer<Float>) -> Double {
        head.logProbabilities(raw: raw, actions: actions, rows: rows, into: logProbabilities.base)
        let weights = rowWeights.base
        for r in 0..<rows { weights[r] = -1 / Float(rows) }
        head.logProbabilityGradient(raw: raw, actions: actions, rows: rows, weights: weights, into: gradient)
        var sum: Double = 0
        for r in 0..<rows { sum += Double(logProbabilities.base[r]) }
        return -sum / Double(rows)
    }
}
