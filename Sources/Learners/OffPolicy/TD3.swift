import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Hyperparameters of TD3. Defaults are Stable-Baselines3 2.x's `TD3` defaults (the SB3 argument is
/// named for each), except the exploration noise, which SB3 leaves to the user.
public struct TD3Config: LearnerConfig {
    public static let algorithmName = "td3"
    public static let summary = "Twin Delayed DDPG (Fujimoto et al. 2018)"

    /// SB3: `net_arch=[400, 300]` for TD3, `activation_fn=nn.ReLU`, `learning_rate=1e-3`,
    /// `batch_size=256`, `gamma=0.99`, `tau=0.005`.
    public var common = CommonHyperparameters(hiddenSizes: [400, 300], learningRate: 1e-3)
    /// Critics; the target is the minimum of their target copies. SB3: `n_critics=2`.
    public var criticCount: Int = 2
    /// The actor and the targets are updated every this many critic updates. SB3: `policy_delay=2`.
    public var policyDelay: Int = 2
    /// σ of the target policy smoothing noise. SB3: `target_policy_noise=0.2`.
    public var targetPolicyNoise: Double = 0.2
    /// The smoothing noise is clipped to ±this. SB3: `target_noise_clip=0.5`.
    public var targetNoiseClip: Double = 0.5
    /// σ of the Gaussian exploration noise, in [−1, 1] action units. SB3's default is no noise; 0.1 is the
    /// TD3 paper's value and RL Zoo's `NormalActionNoise(sigma=0.1)`.
    public var explorationNoise: Double = 0.1
    /// α of TD3+BC's behavior-cloning term (see `actorLossAndGradient`); nil for plain TD3.
    public var behaviorCloningWeight: Double? = nil
    /// Observations standardised before every network sees them (TD3+BC); nil: raw observations.
    public var observationNormalization: ObservationNormalization? = nil

    public init() {}

    public func validate() throws {
        try validateOptions()
        try common.validate()
        if let behaviorCloningWeight, !(behaviorCloningWeight > 0 && behaviorCloningWeight.isFinite) {
            throw LearnerError.invalidConfiguration("the behavior-cloning weight α must be positive, got \(behaviorCloningWeight)")
        }
        if let normalization = observationNormalization,
           !(normalization.standardDeviation.allSatisfy { $0 >= 0 && $0.isFinite } && normalization.mean.allSatisfy(\.isFinite)) {
            throw LearnerError.invalidConfiguration("the observation normalisation needs finite means and non-negative standard deviations")
        }
        guard (1...10).contains(criticCount) else { throw LearnerError.invalidConfiguration("the critic count must lie in 1...10, got \(criticCount)") }
        guard policyDelay > 0 else { throw LearnerError.invalidConfiguration("the policy delay must be positive, got \(policyDelay)") }
        guard targetPolicyNoise >= 0, targetNoiseClip >= 0, explorationNoise >= 0,
              targetPolicyNoise.isFinite, targetNoiseClip.isFinite, explorationNoise.isFinite else {
            throw LearnerError.invalidConfiguration("noise scales must be finite and not negative")
        }
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try TD3(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, generator: &generator)
    }
}

/// Twin Delayed DDPG: Fujimoto, van Hoof & Meger 2018, "Addressing Function Approximation Error in
/// Actor-Critic Methods" (arXiv:1802.09477), computed as Stable-Baselines3's `TD3.train` does.
/// DDPG is this learner with one critic, policy delay 1 and no target smoothing (`DDPGConfig`).
///
/// The actor maps an observation to tanh(…) ∈ [−1, 1]ᴬ; critics see [observation | action in [−1, 1]].
/// Batches hold environment-unit actions; they are mapped to [−1, 1] with the action bounds.
public final class TD3 {
    /// The settings the update uses (for DDPG, the TD3 settings its config stands for).
    public let config: TD3Config
    /// The config the learner was built from, as the user gave it (`TD3Config` or `DDPGConfig`):
    /// its algorithm names the checkpoint and the policy file.
    let sourceConfig: any LearnerConfig
    public let observationSize: Int
    public let actionSize: Int
    public let actionScale: ActionScale

    /// observationSize → hidden… → actionSize, tanh output (SB3's `mu`), and its target copy.
    let actor: MLP
    let actorTarget: MLP
    let actorOptimizer: Adam
    let critics: CriticEnsemble
    /// Critic updates so far (SB3's `_n_updates`); the actor steps when it is a multiple of `policyDelay`.
    public internal(set) var updateCount = 0

    let inputs: CriticInputs
    /// rows: the Bellman targets y.
    private(set) var targets = FloatBuffer(count: 0)
    /// The importance weights of the batch `update(on:importanceWeights:using:)` is learning from, for that call
    /// only (nil otherwise): the critic loss weights its rows by them (prioritized replay).
    var importanceWeights: FloatBuffer?
    /// rows × A: the smoothed target actions ã'.
    private var nextActions = FloatBuffer(count: 0)
    /// rows: ∂J/∂Q₁ of the actor loss.
    private var valueGradient = FloatBuffer(count: 0)
    /// rows × A: ∂J/∂μ(s).
    private var actionGradient = FloatBuffer(count: 0)
    /// rows × O each: the batch's observations and next observations as the networks see them
    /// (standardised when `observationNormalization` is set, copied otherwise).
    private(set) var observations = FloatBuffer(count: 0)
    private(set) var nextObservations = FloatBuffer(count: 0)
    private var rowCapacity = 0

    public convenience init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: TD3Config = TD3Config(),
                            generator: inout SeededGenerator) throws {
        try self.init(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: config,
                      source: config, generator: &generator)
    }

    init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: TD3Config, source: any LearnerConfig,
         generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        try config.validate()
        if let normalization = config.observationNormalization,
           normalization.mean.count != observationSize || normalization.standardDeviation.count != observationSize {
            throw LearnerError.invalidConfiguration("the observation normalisation has \(normalization.mean.count) components; observations have \(observationSize)")
        }
        actionScale = try ActionScale.forLearner(low: actionLow, high: actionHigh)
        self.config = config
        sourceConfig = source
        self.observationSize = observationSize
        let actionCount = actionLow.count
        actionSize = actionCount
        let common = config.common
        // The passes of one update run one after another, so all networks share one backward scratch;
        // with several threads the critics have their own, as their work runs at once (`CriticEnsemble`).
        let scratch = Workspace()
        actor = MLP(layerSizes: [observationSize] + common.hiddenSizes + [actionCount],
                    hiddenActivation: common.activation, outputActivation: .tanh, scratch: scratch, generator: &generator)
        actorTarget = actor.copy(scratch: scratch)
        critics = CriticEnsemble(count: config.criticCount, inputSize: observationSize + actionCount, common: common,
                                 scratch: scratch, generator: &generator)
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: Float(common.learningRate))
        inputs = CriticInputs(observationSize: observationSize, actionSize: actionCount)
        reserveRows(common.batchSize)
    }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        targets = FloatBuffer(count: rows)
        nextActions = FloatBuffer(count: rows * actionSize)
        valueGradient = FloatBuffer(count: rows)
        actionGradient = FloatBuffer(count: rows * actionSize)
        observations = FloatBuffer(count: rows * observationSize)
        nextObservations = FloatBuffer(count: rows * observationSize)
        actor.reserveRows(rows)
        actorTarget.reserveRows(rows)
        critics.reserveRows(rows)
        inputs.reserveRows(rows)
        rowCapacity = rows
    }

    /// Sizes the workspaces for the batch and stages the critics' inputs from it (`CriticInputs.stage`).
    func stage(_ batch: TransitionBatch) {
        inputs.checkShape(of: batch)
        reserveRows(batch.count)
        let count = batch.count * observationSize
        batch.observations.withUnsafeBufferPointer { s in
            batch.nextObservations.withUnsafeBufferPointer { next in
                if let normalization = config.observationNormalization {
                    normalization.apply(s.baseAddress!, rows: batch.count, into: observations.base)
                    normalization.apply(next.baseAddress!, rows: batch.count, into: nextObservations.base)
                } else {
                    observations.base.update(from: s.baseAddress!, count: count)
                    nextObservations.base.update(from: next.baseAddress!, count: count)
                }
            }
        }
        inputs.stage(observations: observations.base, nextObservations: nextObservations.base, batch, actionScale: actionScale)
    }

    // MARK: The update, in the paper's order

    /// One critic step; every `policyDelay`-th call also one actor step and the target updates
    /// (Algorithm 1). The fast version: each Polyak average runs inside the Adam step of its network
    /// (the same pass over the parameters), which gives exactly `referenceUpdate`'s parameters.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        let rows = batch.count
        stage(batch)
        updateCount += 1
        let delayedStep = updateCount % config.policyDelay == 0
        let tau = Float(config.common.tau)

        // 1. Targets: clipped double-Q with target policy smoothing (eqs. 10 and 15).
        smoothedTargets(batch, using: &generator)

        // 2. Critic loss and step: every critic regressed onto y; SB3 sums their mean squared errors.
        //    Critic by critic, at once on several threads (`forEachCritic`); the losses are summed in order.
        var criticLosses = [Double](repeating: 0, count: critics.count)
        criticLosses.withUnsafeMutableBufferPointer { losses in
            critics.forEachCritic { k in
                losses[k] = criticLossAndGradient(k, rows: rows)
                if delayedStep { critics.step(k, averagingTargetWith: tau) } else { critics.step(k) }  // 4. targets, fused
            }
        }
        let criticLoss = criticLosses.reduce(0, +)
        guard delayedStep else { return ["critic_loss": criticLoss] }

        // 3. Delayed actor loss and step (section 5.2): the deterministic policy gradient through Q₁
        //    (TD3+BC: plus the behavior-cloning term).
        let actorLoss = actorLossAndGradient(batch)
        actorOptimizer.step(actor, averagingInto: actorTarget, tau: tau)  // 4. target actor, fused

        // 4. Target networks: θ̄ ← τ θ + (1 − τ) θ̄, fused into the Adam steps above.
        return actorLoss.metrics(criticLoss: criticLoss)
    }

    /// The same update step by step with nothing fused: the reference `update` is tested against.
    func referenceUpdate(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        let rows = batch.count
        stage(batch)
        updateCount += 1

        // 1. Targets.
        smoothedTargets(batch, using: &generator)

        // 2. Critic loss and step.
        var criticLoss: Double = 0
        for k in 0..<critics.count { criticLoss += criticLossAndGradient(k, rows: rows) }
        for k in 0..<critics.count { critics.step(k) }
        guard updateCount % config.policyDelay == 0 else { return ["critic_loss": criticLoss] }

        // 3. Actor loss and step.
        let actorLoss = actorLossAndGradient(batch)
        actorOptimizer.step(actor)

        // 4. Target networks.
        let tau = Float(config.common.tau)
        critics.updateTargets(tau: tau)
        Polyak.update(target: actorTarget, toward: actor, tau: tau)
        return actorLoss.metrics(criticLoss: criticLoss)
    }

    /// `actor_loss` (and TD3+BC's `bc_loss`, `lambda`) are reported on the delayed steps only, so their
    /// averages in `metrics.csv` are over those.
    public var metricNames: [String] {
        ["critic_loss", "actor_loss"] + (config.behaviorCloningWeight == nil ? [] : ["bc_loss", "lambda"])
    }

    // MARK: Targets

    /// y = r + γ (1 − terminated) min_k Q̄_k(s', ã'), ã' = clip(μ̄(s') + clip(N(0, σ²), −c, c), −1, 1)
    /// (eqs. 10 and 15), into `targets`. With σ = 0 (DDPG) ã' = μ̄(s') and no noise is drawn.
    func smoothedTargets(_ batch: TransitionBatch, using generator: inout SeededGenerator) {
        let rows = batch.count, count = rows * actionSize
        let targetAction = actorTarget.forward(nextObservations.base, rows: rows)
        if config.targetPolicyNoise > 0 {
            let action = nextActions.base
            generator.fillGaussian(UnsafeMutableBufferPointer(start: action, count: count))
            let sigma = Float(config.targetPolicyNoise), clip = Float(config.targetNoiseClip)
            for i in 0..<count {
                let smoothing = min(max(sigma * action[i], -clip), clip)
                action[i] = min(max(targetAction[i] + smoothing, -1), 1)
            }
            inputs.writeNextActions(action, rows: rows)
        } else {
            inputs.writeNextActions(targetAction, rows: rows)
        }
        critics.targetMinimum(inputs.next.base, rows: rows, into: targets.base)
        BellmanTarget.compute(batch, discount: Float(config.common.discount), nextValuesToTargets: targets.base)
    }

    // MARK: Critics

    /// mean_b (Q_k(s, a) − y)² on [s | a] staged by `inputs.stage` and y in `targets`; fills critic k's gradient.
    func criticLossAndGradient(_ k: Int, rows: Int) -> Double {
        critics.regressionLoss(k, input: inputs.current.base, targets: targets.base, rows: rows, scale: 1,
                               weights: importanceWeights?.base)
    }

    // MARK: Actor

    struct ActorLoss {
        var loss: Double
        /// TD3+BC: the behavior-cloning term mean (μ(s) − a)² and the weight λ of the Q term.
        var behaviorCloning: (loss: Double, lambda: Double)?

        func metrics(criticLoss: Double) -> UpdateMetrics {
            var metrics: UpdateMetrics = ["critic_loss": criticLoss, "actor_loss": loss]
            if let behaviorCloning {
                metrics["bc_loss"] = behaviorCloning.loss
                metrics["lambda"] = behaviorCloning.lambda
            }
            return metrics
        }
    }

    /// TD3: J = −mean_b Q₁(s, μ(s)) (the deterministic policy gradient ∇_a Q₁(s, a)|_{a=μ(s)} ∇_θ μ(s),
    /// eq. 6 of DDPG). TD3+BC (Fujimoto & Gu 2021, eq. 3): J = −λ mean_b Q₁(s, μ(s)) + mean_{b,j} (μ(s) − a)²,
    /// λ = α / mean_b |Q₁(s, μ(s))| held constant, the squared difference in the actor's [−1, 1] units (the
    /// action box mapped onto [−1, 1] per component), as d3rlpy's `TD3PlusBC` computes it on min-max scaled
    /// actions. The authors' code takes it in environment units (their actor outputs max_action·tanh), which
    /// is the same on the D4RL MuJoCo tasks they tuned α = 2.5 on (every box is [−1, 1]); on a wider box it
    /// weighs the term by the squared half-range (4× on Pendulum's [−2, 2]), so α would mean something else
    /// per task. Fills the actor's gradient through Q₁'s action input and the tanh output; reads the
    /// observations and actions `stage` wrote.
    func actorLossAndGradient(_ batch: TransitionBatch) -> ActorLoss {
        let rows = batch.count
        let action = actor.forward(observations.base, rows: rows)
        inputs.writePolicyActions(action, rows: rows)
        let q = critics.critics[0].forward(inputs.policy.base, rows: rows)
        var sum: Double = 0, absoluteSum: Double = 0
        for i in 0..<rows {
            sum += Double(q[i])
            absoluteSum += Double(abs(q[i]))
        }
        var lambda: Float = 1
        if let alpha = config.behaviorCloningWeight {
            lambda = Float(alpha / (absoluteSum / Double(rows)))
        }
        let g = valueGradient.base, share = -lambda / Float(rows)
        for i in 0..<rows { g[i] = share }
        critics.actionGradient(0, valueGradient: g, input: inputs.policy.base, rows: rows,
                               actionColumns: inputs.actionColumns, into: actionGradient.base)
        var behaviorCloning: (loss: Double, lambda: Double)?
        if config.behaviorCloningWeight != nil {
            // + mean (μ − a)² in [−1, 1] units: ∂/∂μ = 2 (μ − a) / (B·A), added to the Q term's gradient.
            let count = rows * actionSize, target = inputs.networkActions, gradient = actionGradient.base
            let scale = 2 / Float(count)
            var squares: Double = 0
            for i in 0..<count {
                let difference = action[i] - target[i]
                squares += Double(difference * difference)
                gradient[i] += scale * difference
            }
            behaviorCloning = (squares / Double(count), Double(lambda))
        }
        actor.backward(outputGradient: actionGradient.base, input: observations.base, rows: rows)
        let qTerm = -Double(lambda) * sum / Double(rows)
        return ActorLoss(loss: qTerm + (behaviorCloning?.loss ?? 0), behaviorCloning: behaviorCloning)
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions, averaged over the policy delay.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        let criticStep = actorTarget.forwardFLOPs(rows: rows) + critics.targetFLOPs(rows: rows) + critics.regressionFLOPs(rows: rows)
        let actorStep = actor.forwardFLOPs(rows: rows) + actor.backwardFLOPs(rows: rows)
            + critics.actionGradientFLOPs(rows: rows, critics: 1, actionCount: actionSize)
        return criticStep + actorStep / Double(config.policyDelay)
    }
}
