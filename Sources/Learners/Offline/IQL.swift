import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Hyperparameters of Implicit Q-Learning. Defaults are the paper's MuJoCo locomotion settings
/// (Kostrikov, Nair & Levine 2021, arXiv:2110.06169, appendix B, and the authors' code), which d3rlpy 2.8.1's
/// `IQLConfig` shares except where noted (its argument names given).
///
/// Differences from both, by design:
/// - the policy is SAC's tanh-squashed Gaussian with a state-dependent log σ (so IQL acts, checkpoints and
///   writes its policy file as SAC does); the authors and d3rlpy fit a Gaussian N(tanh μ(s), σ) with one
///   state-independent log σ (clamped to [−5, 2]);
/// - rewards are used as stored: the paper scales locomotion rewards by 1000 / (max − min episode return)
///   of the dataset (d3rlpy does not by default either).
public struct IQLConfig: LearnerConfig {
    public static let algorithmName = "iql"
    public static let summary = "Implicit Q-Learning: expectile value, advantage-weighted actor, offline first (Kostrikov et al. 2021)"

    /// Paper and d3rlpy: 256-256 ReLU networks, Adam `lr=3e-4` for actor, critics and value
    /// (`actor_learning_rate`, `critic_learning_rate`), `batch_size=256`, `gamma=0.99`, `tau=0.005`.
    public var common = CommonHyperparameters(hiddenSizes: [256, 256], learningRate: 3e-4)
    /// τ of the expectile loss. Paper (locomotion) and d3rlpy: `expectile=0.7`.
    public var expectile: Double = 0.7
    /// β, the inverse temperature of the advantage weights. Paper (locomotion): 3.0; d3rlpy: `weight_temp=3.0`.
    public var beta: Double = 3.0
    /// The clip of the advantage weights. Authors' code: `jnp.minimum(exp_a, 100.0)`; d3rlpy: `max_weight=100.0`.
    public var maxWeight: Double = 100
    /// The actor's cosine learning-rate decay. Authors' code: `cosine_decay_schedule` over `max_steps=1e6`
    /// updates; nil keeps the rate constant (d3rlpy's default optimiser has no schedule).
    public var actorDecay: CosineDecay? = CosineDecay(steps: 1_000_000)

    public init() {}

    public func validate() throws {
        try common.validate()
        try validateOptions()  // the declared ranges (IQLConfig+Options.swift), each message naming its flag
        guard (0...1).contains(expectile) else { throw LearnerError.invalidConfiguration("the expectile τ must lie in [0, 1], got \(expectile)") }
        guard beta >= 0, beta.isFinite else { throw LearnerError.invalidConfiguration("β must be zero or more, got \(beta)") }
        guard maxWeight > 0, maxWeight.isFinite else { throw LearnerError.invalidConfiguration("the weight clip must be positive, got \(maxWeight)") }
        if let actorDecay, actorDecay.steps < 1 {
            throw LearnerError.invalidConfiguration("the actor's cosine decay needs at least 1 update, got \(actorDecay.steps)")
        }
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try IQL(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, generator: &generator)
    }
}

/// Implicit Q-Learning (Kostrikov, Nair & Levine 2021): learns Q without ever evaluating it at an action
/// outside the data. V(s) is fitted by expectile regression toward the target critics' min_k Q̄_k(s, a),
/// the critics regress onto r + γ (1 − terminated) V(s'), and the policy is extracted by
/// advantage-weighted regression on the logged actions. One update follows d3rlpy's order (critics and
/// value, then actor, then target critics).
///
/// Critics see [observation | action in [−1, 1]]; the actor is SAC's ([observation] → [μ | log σ] and
/// `SquashedGaussianHead`). Batches hold environment-unit actions.
public final class IQL {
    public let config: IQLConfig
    public let observationSize: Int
    public let actionSize: Int
    public let actionScale: ActionScale

    /// [observation] → [μ | log σ].
    let actor: MLP
    let head: SquashedGaussianHead
    let actorOptimizer: Adam
    /// Q₁ and Q₂ with their targets and optimisers.
    let critics: CriticEnsemble
    /// V: [observation] → ℝ, and its optimiser.
    let value: MLP
    let valueOptimizer: Adam
    public internal(set) var updateCount = 0

    let inputs: CriticInputs
    /// rows each: the Bellman targets y; min_k Q̄_k(s, a); u = Q̄ − V(s) (then the advantages); ∂L/∂V;
    /// the advantage weights; log π(a|s) of the logged actions; the actor's row weights −w/B.
    private(set) var targets = FloatBuffer(count: 0)
    private(set) var targetValues = FloatBuffer(count: 0)
    private var differences = FloatBuffer(count: 0)
    private var valueGradient = FloatBuffer(count: 0)
    private(set) var weights = FloatBuffer(count: 0)
    private var logProbabilities = FloatBuffer(count: 0)
    private var rowWeights = FloatBuffer(count: 0)
    /// rows × 2A: ∂L_π/∂[μ | log σ].
    private var rawGradient = FloatBuffer(count: 0)
    private var rowCapacity = 0

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: IQLConfig = IQLConfig(),
                generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        try config.validate()
        actionScale = try ActionScale.forLearner(low: actionLow, high: actionHigh)
        self.config = config
        self.observationSize = observationSize
        actionSize = actionLow.count
        let scratch = Workspace()
        let common = config.common
        actor = MLP(layerSizes: [observationSize] + common.hiddenSizes + [2 * actionSize], hiddenActivation: common.activation,
                    outputActivation: .identity, scratch: scratch, generator: &generator)
        head = SquashedGaussianHead(actionSize: actionSize)
        critics = CriticEnsemble(count: 2, inputSize: observationSize + actionSize, common: common, scratch: scratch, generator: &generator)
        value = MLP(layerSizes: [observationSize] + common.hiddenSizes + [1], hiddenActivation: common.activation,
                    outputActivation: .identity, scratch: scratch, generator: &generator)
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: Float(common.learningRate))
        valueOptimizer = Adam(parameterCount: value.parameterCount, learningRate: Float(common.learningRate))
        inputs = CriticInputs(observationSize: observationSize, actionSize: actionSize)
        reserveRows(common.batchSize)
    }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        targets = FloatBuffer(count: rows)
        targetValues = FloatBuffer(count: rows)
        differences = FloatBuffer(count: rows)
        valueGradient = FloatBuffer(count: rows)
        weights = FloatBuffer(count: rows)
        logProbabilities = FloatBuffer(count: rows)
        rowWeights = FloatBuffer(count: rows)
        rawGradient = FloatBuffer(count: rows * 2 * actionSize)
        actor.reserveRows(rows)
        value.reserveRows(rows)
        critics.reserveRows(rows)
        inputs.reserveRows(rows)
        rowCapacity = rows
    }

    /// Sizes the workspaces and stages [s | a] from the batch.
    func stage(_ batch: TransitionBatch) {
        reserveRows(batch.count)
        inputs.stage(batch, actionScale: actionScale)
    }

    // MARK: The update, in d3rlpy's order

    /// One gradient step on every network.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        let rows = batch.count
        stage(batch)

        // 1. Targets: y = r + γ (1 − terminated) V(s') (eq. 6), and Q̄(s, a) = min_k Q̄_k(s, a) for the value and actor.
        valueTargets(batch)
        critics.targetMinimum(inputs.current.base, rows: rows, into: targetValues.base)

        // 2. Critics: L_Q = Σ_k mean_b (Q_k(s, a) − y)² (d3rlpy sums the twin losses), each step fused with
        //    its target's Polyak average (the actor below reads Q̄(s, a) computed before it).
        var criticLosses = [Double](repeating: 0, count: critics.count)

        // 3. Value: L_V = mean_b L₂^τ(Q̄(s, a) − V(s)) (eq. 5).
        // 4. Actor: L_π = −mean_b w_b log π(a_b|s_b), w = min(exp(β (Q̄(s, a) − V(s))), w_max), V after its step (eq. 7).
        var valueLoss: Double = 0, actorLoss: Double = 0, learningRate: Double = 0
        var advantage = AdvantageSummary(mean: 0, meanWeight: 0, clippedShare: 0)
        func stepValueAndActor() {
            valueLoss = valueLossAndGradient(batch)
            valueOptimizer.step(value)
            advantage = advantageWeights(batch)
            actorLoss = actorLossAndGradient(batch)
            learningRate = actorLearningRate
            actorOptimizer.learningRate = Float(learningRate)
            actorOptimizer.step(actor)
        }

        // Steps 2 and 3–4 touch disjoint networks and buffers (both only read y, Q̄ and the batch): where the
        // critics have buffers of their own and products run whole on one thread, the critics run on one
        // thread while the value and the actor run on another (the two shares are about equal); else the
        // critics at once (`forEachCritic`), then the value and the actor. The same computations either way.
        let splitsSteps = critics.runsAtOnce && value.gainsFromPassesAtOnce(rows: rows)
        criticLosses.withUnsafeMutableBufferPointer { losses in
            func regressCritic(_ k: Int) {
                losses[k] = critics.regressionLoss(k, input: inputs.current.base, targets: targets.base, rows: rows, scale: 1)
                critics.step(k, averagingTargetWith: Float(config.common.tau))
            }
            if splitsSteps {
                ThreadPool.run(parts: 2) { part in
                    if part == 0 {
                        for k in 0..<critics.count { regressCritic(k) }
                    } else {
                        stepValueAndActor()
                    }
                }
            } else {
                critics.forEachCritic(regressCritic)
                stepValueAndActor()
            }
        }
        let criticLoss = criticLosses.reduce(0, +)

        // 5. Target critics: Polyak averaging with τ, fused into step 2.
        updateCount += 1
        return ["critic_loss": criticLoss, "value_loss": valueLoss, "actor_loss": actorLoss, "advantage": advantage.mean,
                "weight": advantage.meanWeight, "weight_clipped": advantage.clippedShare, "actor_lr": learningRate]
    }

    public var metricNames: [String] { ["critic_loss", "value_loss", "actor_loss", "advantage", "weight", "weight_clipped", "actor_lr"] }

    /// The actor's rate for its next step: the cosine schedule of `config.actorDecay`, or the constant rate.
    var actorLearningRate: Double {
        guard let decay = config.actorDecay else { return config.common.learningRate }
        return decay.learningRate(initial: config.common.learningRate, afterSteps: actorOptimizer.stepCount)
    }

    /// y = r + γ (1 − terminated) V(s') into `targets`.
    func valueTargets(_ batch: TransitionBatch) {
        batch.nextObservations.withUnsafeBufferPointer { next in
            targets.base.update(from: value.forward(next.baseAddress!, rows: batch.count), count: batch.count)
        }
        BellmanTarget.compute(batch, discount: Float(config.common.discount), nextValuesToTargets: targets.base)
    }

    /// L_V = mean_b L₂^τ(u_b), u = Q̄(s, a) − V(s), with Q̄ in `targetValues`; fills V's gradient (∂L/∂V = −∂L/∂u).
    func valueLossAndGradient(_ batch: TransitionBatch) -> Double {
        let rows = batch.count
        return batch.observations.withUnsafeBufferPointer { s in
            let v = value.forward(s.baseAddress!, rows: rows)
            for i in 0..<rows { differences.base[i] = targetValues.base[i] - v[i] }
            let loss = ExpectileLoss.evaluate(differences: differences.base, count: rows, expectile: Float(config.expectile),
                                              gradient: valueGradient.base)
            for i in 0..<rows { valueGradient.base[i] = -valueGradient.base[i] }
            value.backward(outputGradient: valueGradient.base, input: s.baseAddress!, rows: rows)
            return loss
        }
    }

    struct AdvantageSummary {
        var mean: Double
        var meanWeight: Double
        var clippedShare: Double
    }

    /// A = Q̄(s, a) − V(s) (V as it is now) and w = min(exp(β A), w_max) into `weights`.
    func advantageWeights(_ batch: TransitionBatch) -> AdvantageSummary {
        let rows = batch.count
        let v = batch.observations.withUnsafeBufferPointer { value.forward($0.baseAddress!, rows: rows) }
        var advantageSum: Double = 0
        for i in 0..<rows {
            differences.base[i] = targetValues.base[i] - v[i]
            advantageSum += Double(differences.base[i])
        }
        let clipped = AdvantageWeights.compute(advantages: differences.base, count: rows, beta: Float(config.beta),
                                               maxWeight: Float(config.maxWeight), into: weights.base)
        var weightSum: Double = 0
        for i in 0..<rows { weightSum += Double(weights.base[i]) }
        return AdvantageSummary(mean: advantageSum / Double(rows), meanWeight: weightSum / Double(rows),
                                clippedShare: Double(clipped) / Double(rows))
    }

    /// L_π = −mean_b w_b log π(a_b|s_b) at the logged actions (network units; the density of
    /// `SquashedGaussianHead.logProbabilities`), with the weights in `weights` held fixed. Fills the actor's gradient.
    func actorLossAndGradient(_ batch: TransitionBatch) -> Double {
        let rows = batch.count
        return batch.observations.withUnsafeBufferPointer { s in
            let raw = actor.forward(s.baseAddress!, rows: rows)
            head.logProbabilities(raw: raw, actions: inputs.networkActions, rows: rows, into: logProbabilities.base)
            var sum: Double = 0
            for i in 0..<rows {
                sum += Double(weights.base[i]) * Double(logProbabilities.base[i])
                rowWeights.base[i] = -weights.base[i] / Float(rows)
            }
            head.logProbabilityGradient(raw: raw, actions: inputs.networkActions, rows: rows, weights: rowWeights.base,
                                        into: rawGradient.base)
            actor.backward(outputGradient: rawGradient.base, input: s.baseAddress!, rows: rows)
            return -sum / Double(rows)
        }
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        value.forwardFLOPs(rows: rows) + critics.targetFLOPs(rows: rows)               // targets
            + critics.regressionFLOPs(rows: rows)                                       // critics
            + 2 * value.forwardFLOPs(rows: rows) + value.backwardFLOPs(rows: rows)      // value, then V for the weights
            + actor.forwardFLOPs(rows: rows) + actor.backwardFLOPs(rows: rows)          // actor
    }
}
