import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Hyperparameters of Conservative Q-Learning for continuous actions, CQL(H). Defaults are d3rlpy 2.8.1's
/// `CQLConfig` (its argument names given), except the Lagrange form, which is off by default here.
///
/// Differences from d3rlpy, by design:
/// - the conservative weight is fixed by default, as in the authors' MuJoCo runs (`min_q_weight=5.0`,
///   `with_lagrange=False`); d3rlpy learns it by default (`alpha_learning_rate=1e-4`, `alpha_threshold=10.0`),
///   which `lagrangeThreshold` turns on here;
/// - the temperature steps after the actor has used it (Stable-Baselines3's order, as our SAC); d3rlpy steps it first.
public struct CQLConfig: LearnerConfig {
    public static let algorithmName = "cql"
    public static let summary = "Conservative Q-Learning: SAC plus a conservative critic penalty, offline first (Kumar et al. 2020)"

    /// d3rlpy: 256-256 ReLU networks, `critic_learning_rate=3e-4` (the common rate is the critics'),
    /// `batch_size=256`, `gamma=0.99`, `tau=0.005`, `n_critics=2`.
    public var common = CommonHyperparameters(hiddenSizes: [256, 256], learningRate: 3e-4)
    /// d3rlpy: `actor_learning_rate=1e-4`.
    public var actorLearningRate: Double = 1e-4
    /// SAC's temperature: learned from d3rlpy's `initial_temperature=1.0` at `temp_learning_rate=1e-4`.
    public var initialTemperature: Double = 1
    public var temperatureLearningRate: Double = 1e-4
    /// α_cql, the weight of the conservative gap. d3rlpy: `conservative_weight=5.0`.
    public var conservativeWeight: Double = 5
    /// Sampled actions per state and source (uniform, the policy at s, the policy at s'). d3rlpy: `n_action_samples=10`.
    public var actionSamples: Int = 10
    /// The Lagrange form: a learned multiplier α' (from 1, Adam at 1e-4, d3rlpy's `initial_alpha` and
    /// `alpha_learning_rate`) scales the term α_cql · (gap − threshold) and rises while the gap exceeds the
    /// threshold (d3rlpy: `alpha_threshold=10.0`). nil: α' stays 1 and the threshold is irrelevant.
    public var lagrangeThreshold: Double? = nil
    /// The critic target: false is d3rlpy's `soft_q_backup=False`, min_k Q̄_k(s', tanh μ(s')) without an
    /// entropy term; true is SAC's soft target with a sampled ã' and −α log π(ã'|s').
    public var softBackup: Bool = false

    public init() {}

    /// The SAC that CQL adds its term to: its networks, actor loss and temperature.
    var asSAC: SACConfig {
        var config = SACConfig()
        config.common = common
        config.entropyCoefficient = .learned(initial: initialTemperature)
        return config
    }

    public func validate() throws {
        try asSAC.validate()
        try validateOptions()  // the declared ranges (CQLConfig+Options.swift), each message naming its flag
        func fail(_ message: String) -> LearnerError { .invalidConfiguration(message) }
        guard actorLearningRate > 0, actorLearningRate.isFinite else { throw fail("the actor's learning rate must be positive, got \(actorLearningRate)") }
        guard temperatureLearningRate > 0, temperatureLearningRate.isFinite else {
            throw fail("the temperature's learning rate must be positive, got \(temperatureLearningRate)")
        }
        guard conservativeWeight >= 0, conservativeWeight.isFinite else { throw fail("the conservative weight must be zero or more, got \(conservativeWeight)") }
        guard (1...1000).contains(actionSamples) else { throw fail("the action samples must lie in 1...1000, got \(actionSamples)") }
        if let lagrangeThreshold, !lagrangeThreshold.isFinite { throw fail("the Lagrange threshold must be finite") }
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try CQL(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, generator: &generator)
    }
}

/// Conservative Q-Learning, CQL(H) for continuous actions (Kumar, Zhou, Tucker & Levine 2020,
/// arXiv:2006.04779): SAC whose critics also minimise α_cql · gap (`ConservativeGap`), pushing Q down at
/// actions sampled uniformly and from the policy (at s and at s', importance-weighted by their densities)
/// and up at the logged actions. Computed as d3rlpy 2.8.1's `CQLImpl` does: critics (with the multiplier's
/// step first in the Lagrange form), then SAC's actor and temperature, then the target critics.
///
/// It holds a `SAC` for the networks, the actor loss and the temperature; this type adds the critics' loss.
public final class CQL {
    public let config: CQLConfig
    let sac: SAC
    /// log α' of the Lagrange form (one element; 0 when the form is off) and its optimiser (nil when off).
    let logMultiplier = FloatBuffer([0])
    let multiplierGradient = FloatBuffer(count: 1)
    let multiplierOptimizer: Adam?

    /// (rows · 3n) × (observation + action): [s_b | â_bj] for every state and sample, sources in the order
    /// policy at s, policy at s', uniform; their log-densities; the repeated actor outputs; ∂gap/∂Q there, one
    /// buffer per critic (as the two below), so the critics' work may run at once.
    private(set) var sampleInputs = FloatBuffer(count: 0)
    private(set) var sampleLogDensities = FloatBuffer(count: 0)
    private var repeatedRaw = FloatBuffer(count: 0)
    private var sampleGradients: [FloatBuffer] = []
    /// rows each, per critic k: Q_k at the logged actions (the gap's), and ∂L/∂Q_k there (the critic loss's).
    private var dataValues: [FloatBuffer] = []
    private var dataGradients: [FloatBuffer] = []
    private var rowCapacity = 0

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: CQLConfig = CQLConfig(),
                generator: inout SeededGenerator) throws {
        try config.validate()
        self.config = config
        sac = try SAC(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: config.asSAC,
                      generator: &generator)
        sac.actorOptimizer.learningRate = Float(config.actorLearningRate)
        sac.alphaOptimizer?.learningRate = Float(config.temperatureLearningRate)
        multiplierOptimizer = config.lagrangeThreshold == nil ? nil : Adam(parameterCount: 1, learningRate: 1e-4)
        reserveRows(config.common.batchSize)
    }

    public var observationSize: Int { sac.observationSize }
    public var actionSize: Int { sac.actionSize }
    public var actionScale: ActionScale { sac.actionScale }
    var samplesPerState: Int { 3 * config.actionSamples }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        let sampled = rows * samplesPerState
        sampleInputs = FloatBuffer(count: sampled * sac.inputs.width)
        sampleLogDensities = FloatBuffer(count: sampled)
        let critics = sac.critics.count
        sampleGradients = (0..<critics).map { _ in FloatBuffer(count: sampled) }
        repeatedRaw = FloatBuffer(count: rows * config.actionSamples * 2 * actionSize)
        dataValues = (0..<critics).map { _ in FloatBuffer(count: rows) }
        dataGradients = (0..<critics).map { _ in FloatBuffer(count: rows) }
        rowCapacity = rows
    }

    func stage(_ batch: TransitionBatch) {
        reserveRows(batch.count)
        sac.stage(batch)
    }

    /// α' = exp(log α') clamped to [0, 10⁶] (d3rlpy's clamp); 1 when the Lagrange form is off.
    public var multiplier: Float { multiplierOptimizer == nil ? 1 : min(exp(logMultiplier.base[0]), 1e6) }

    // MARK: The update

    /// One gradient step on every network.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        let rows = batch.count
        stage(batch)
        let alpha = sac.alpha

        // 1. Targets: y = r + γ (1 − terminated) min_k Q̄_k(s', tanh μ(s')) (d3rlpy's default), or SAC's soft target.
        if config.softBackup {
            sac.softBellmanTargets(batch, alpha: alpha, using: &generator)
        } else {
            deterministicTargets(batch)
        }

        // 2. Critics: Σ_k [mean_b (Q_k(s, a) − y)² + α' α_cql (gap_k − threshold)] (eq. 4, appendix F).
        //    Critic by critic, at once on several threads (`forEachCritic`: each critic's passes over its
        //    rows · 3n samples touch only its own network and buffers); gaps and losses are summed in order.
        sampleActions(batch, using: &generator)
        var gaps = [Double](repeating: 0, count: sac.critics.count)
        gaps.withUnsafeMutableBufferPointer { gaps in
            sac.critics.forEachCritic { k in gaps[k] = conservativeGapAndGradient(k, rows: rows) }
        }
        let multiplierLoss = stepMultiplier(gaps: gaps)
        let scale = multiplier * Float(config.conservativeWeight)
        var criticLosses = [Double](repeating: 0, count: sac.critics.count)
        criticLosses.withUnsafeMutableBufferPointer { losses in
            sac.critics.forEachCritic { k in
                losses[k] = finishCriticGradient(k, rows: rows, conservativeScale: scale)
                sac.critics.step(k)
            }
        }
        let criticLoss = criticLosses.reduce(0, +)

        // 3. Actor and temperature: SAC's, through the updated critics.
        let sample = sac.samplePolicyActions(batch, using: &generator)
        let firstValues = sac.critics.critics[0].forward(sac.inputs.policy.base, rows: rows)
        let secondValues = sac.critics.critics[1].forward(sac.inputs.policy.base, rows: rows)
        let actor = sac.actorLossAndGradient(batch, sample: sample, firstValues: firstValues, secondValues: secondValues, alpha: alpha)
        sac.actorOptimizer.step(sac.actor)
        let alphaLoss = sac.stepTemperature(meanLogProbability: actor.meanLogProbability)

        // 4. Target critics: Polyak averaging with τ.
        sac.critics.updateTargets(tau: Float(config.common.tau))
        sac.updateCount += 1

        var metrics = sac.metrics(criticLoss: criticLoss, actor: actor, alpha: alpha, alphaLoss: alphaLoss)
        let meanGap = gaps.reduce(0, +) / Double(gaps.count)
        metrics["conservative_gap"] = meanGap
        if let multiplierLoss {
            metrics["cql_multiplier"] = Double(multiplier)
            metrics["cql_multiplier_loss"] = multiplierLoss
        }
        return metrics
    }

    public var metricNames: [String] {
        sac.metricNames + ["conservative_gap"] + (multiplierOptimizer == nil ? [] : ["cql_multiplier", "cql_multiplier_loss"])
    }

    /// min_k Q̄_k(s', tanh μ(s')) into the targets, then y = r + γ (1 − terminated) · that.
    func deterministicTargets(_ batch: TransitionBatch) {
        let rows = batch.count
        batch.nextObservations.withUnsafeBufferPointer { next in
            sac.head.mode(raw: sac.actor.forward(next.baseAddress!, rows: rows), rows: rows)
        }
        sac.inputs.writeNextActions(sac.head.actions.base, rows: rows)
        sac.critics.targetMinimum(sac.inputs.next.base, rows: rows, into: sac.targets.base)
        BellmanTarget.compute(batch, discount: Float(config.common.discount), nextValuesToTargets: sac.targets.base)
    }

    /// Fills `sampleInputs` and `sampleLogDensities`: for each state s_b, n actions from the policy at s_b,
    /// n from the policy at s'_b (both with log π in network units), n uniform in [−1, 1]ᴬ (log density
    /// A log ½); every row's observation is s_b. Draws the policy noise (s, then s') and then the uniform
    /// actions from `generator`. The sampled actions are constants of the critics' loss.
    func sampleActions(_ batch: TransitionBatch, using generator: inout SeededGenerator) {
        let rows = batch.count, n = config.actionSamples, a = actionSize, width = sac.inputs.width
        let observationSize = self.observationSize, perState = samplesPerState
        for (source, observations) in [batch.observations, batch.nextObservations].enumerated() {
            observations.withUnsafeBufferPointer { states in
                let raw = sac.actor.forward(states.baseAddress!, rows: rows)
                for b in 0..<rows {
                    for j in 0..<n { (repeatedRaw.base + (b * n + j) * 2 * a).update(from: raw + b * 2 * a, count: 2 * a) }
                }
            }
            sac.head.sample(raw: repeatedRaw.base, rows: rows * n, using: &generator)
            for b in 0..<rows {
                for j in 0..<n {
                    let row = b * perState + source * n + j
                    (sampleInputs.base + row * width + observationSize).update(from: sac.head.actions.base + (b * n + j) * a, count: a)
                    sampleLogDensities.base[row] = sac.head.logProbabilities.base[b * n + j]
                }
            }
        }
        let uniformLogDensity = Float(a) * log(Float(0.5))
        batch.observations.withUnsafeBufferPointer { s in
            for b in 0..<rows {
                for j in 0..<perState {
                    (sampleInputs.base + (b * perState + j) * width).update(from: s.baseAddress! + b * observationSize, count: observationSize)
                }
                for j in (2 * n)..<perState {
                    let row = b * perState + j
                    for c in 0..<a { sampleInputs.base[row * width + observationSize + c] = generator.nextFloat(in: -1, 1) }
                    sampleLogDensities.base[row] = uniformLogDensity
                }
            }
        }
    }

    /// gap_k (`ConservativeGap`) of critic k on the staged batch and samples, and its gradient through the
    /// sampled actions only (unit scale), added to critic k's gradient. The logged actions' part, −mean Q_k(s, a),
    /// is differentiated in `finishCriticGradient`, once the scale is known.
    func conservativeGapAndGradient(_ k: Int, rows: Int) -> Double {
        let critic = sac.critics.critics[k]
        let data = critic.forward(sac.inputs.current.base, rows: rows)
        dataValues[k].base.update(from: data, count: rows)
        let sampled = rows * samplesPerState
        let sampledValues = critic.forward(sampleInputs.base, rows: sampled)
        let gap = ConservativeGap.evaluate(sampledValues: sampledValues, logDensities: sampleLogDensities.base,
                                           dataValues: dataValues[k].base, rows: rows, samples: samplesPerState,
                                           sampledGradient: sampleGradients[k].base)
        critic.backward(outputGradient: sampleGradients[k].base, input: sampleInputs.base, rows: sampled)
        return gap
    }

    /// Scales critic k's gradient (the gap's, from `conservativeGapAndGradient`) by `scale` = α' α_cql and adds
    /// ∂/∂θ_k [mean_b (Q_k(s, a) − y)² − scale · mean_b Q_k(s, a)]. Returns the mean squared error.
    func finishCriticGradient(_ k: Int, rows: Int, conservativeScale scale: Float) -> Double {
        let critic = sac.critics.critics[k]
        let gradients = critic.gradients.base
        for i in 0..<critic.parameterCount { gradients[i] *= scale }
        let q = critic.forward(sac.inputs.current.base, rows: rows)
        let gradient = dataGradients[k].base
        let loss = MeanSquaredError.evaluate(prediction: q, target: sac.targets.base, count: rows, gradient: gradient)
        for b in 0..<rows { gradient[b] -= scale / Float(rows) }
        critic.backward(outputGradient: gradient, input: sac.inputs.current.base, rows: rows)
        return loss
    }

    /// The Lagrange form's step: J(α') = −α' α_cql Σ_k (gap_k − threshold), minimised in log α' (d3rlpy's
    /// `update_alpha`), before α' scales the critics' term. Returns J, or nil when the form is off.
    func stepMultiplier(gaps: [Double]) -> Double? {
        guard let multiplierOptimizer, let threshold = config.lagrangeThreshold else { return nil }
        let excess = gaps.reduce(0) { $0 + config.conservativeWeight * ($1 - threshold) }
        let loss = -Double(multiplier) * excess
        // ∂J/∂log α' = J where the clamp is inactive (dα'/dlog α' = α'), 0 above 10⁶.
        multiplierGradient.base[0] = multiplier < 1e6 ? Float(loss) : 0
        multiplierOptimizer.step(parameters: logMultiplier, gradients: multiplierGradient)
        return loss
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        let actor = sac.actor, critics = sac.critics
        return actor.forwardFLOPs(rows: rows) + critics.targetFLOPs(rows: rows)                 // targets
            + 2 * actor.forwardFLOPs(rows: rows)                                                 // policy samples at s and s'
            + critics.regressionFLOPs(rows: rows * samplesPerState)                              // critics: the gap
            + critics.regressionFLOPs(rows: rows) + critics.targetFLOPs(rows: rows)              // the regression, Q at a twice
            + actor.forwardFLOPs(rows: rows) + actor.backwardFLOPs(rows: rows)                   // actor
            + critics.actionGradientFLOPs(rows: rows, critics: 2, actionCount: actionSize)
    }
}
