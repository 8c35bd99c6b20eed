import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Hyperparameters of Soft Actor-Critic. Every default is Stable-Baselines3 2.x's `SAC` default
/// (the name of the SB3 argument is given for each).
public struct SACConfig: LearnerConfig {
    public static let algorithmName = "sac"
    public static let summary = "Soft Actor-Critic, learned temperature (Haarnoja et al. 2018)"

    /// SB3: `net_arch=[256, 256]`, `activation_fn=nn.ReLU`, `learning_rate=3e-4` (actor, critics and
    /// temperature), `batch_size=256`, `gamma=0.99`, `tau=0.005`.
    public var common = CommonHyperparameters(hiddenSizes: [256, 256], learningRate: 3e-4)
    /// α. SB3: `ent_coef="auto"`, which learns α starting from 1.
    public var entropyCoefficient: EntropyCoefficient = .learned(initial: 1)
    /// The entropy target H̄ of the temperature loss; nil means −dim(A). SB3: `target_entropy="auto"`.
    public var targetEntropy: Double? = nil
    /// Update the target critics every this many gradient steps. SB3: `target_update_interval=1`.
    public var targetUpdateInterval: Int = 1
    /// Transitions per critic target: 1 is the paper's one-step soft Bellman target; n > 1 regresses
    /// Q(s₀, a₀) onto an n-step target over a run of n consecutive transitions, corrected by `correction`.
    public var nStep: Int = 1
    /// How an n-step target corrects for the behavior policy (`OffPolicyCorrection`); unused when `nStep` is 1.
    public var correction: OffPolicyCorrection = .none
    /// The actor's gradient estimator: the paper's reparameterization (default) or ACER's truncated
    /// importance sampling with bias correction, which learns from the logged actions.
    public var actorGradient: ActorGradient = .reparameterization

    public init() {}

    /// Decodes a config file; a setting it does not name (one added later, like `nStep`) takes its default.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SACConfig()
        common = try container.decodeIfPresent(CommonHyperparameters.self, forKey: .common) ?? defaults.common
        entropyCoefficient = try container.decodeIfPresent(EntropyCoefficient.self, forKey: .entropyCoefficient) ?? defaults.entropyCoefficient
        targetEntropy = try container.decodeIfPresent(Double.self, forKey: .targetEntropy)
        targetUpdateInterval = try container.decodeIfPresent(Int.self, forKey: .targetUpdateInterval) ?? defaults.targetUpdateInterval
        nStep = try container.decodeIfPresent(Int.self, forKey: .nStep) ?? defaults.nStep
        correction = try container.decodeIfPresent(OffPolicyCorrection.self, forKey: .correction) ?? defaults.correction
        actorGradient = try container.decodeIfPresent(ActorGradient.self, forKey: .actorGradient) ?? defaults.actorGradient
    }

    public func validate() throws {
        try common.validate()
        guard targetUpdateInterval > 0 else {
            throw LearnerError.invalidConfiguration("the target update interval must be positive, got \(targetUpdateInterval)")
        }
        switch entropyCoefficient {
        case .learned(let initial):
            guard initial > 0, initial.isFinite else { throw LearnerError.invalidConfiguration("the initial entropy coefficient must be positive, got \(initial)") }
        case .fixed(let value):
            guard value >= 0, value.isFinite else { throw LearnerError.invalidConfiguration("the entropy coefficient must not be negative, got \(value)") }
        }
        if let targetEntropy, !targetEntropy.isFinite { throw LearnerError.invalidConfiguration("the target entropy must be finite") }
        try validateOptions()  // n-step, the clip, Retrace's λ (SACConfig+Options.swift)
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try SAC(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, config: self, generator: &generator)
    }
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
    /// The actor's parameters with activations of its own: its pass on s' runs beside the actor's on s (`actorPasses`).
    let nextActor: MLP
    let head: SquashedGaussianHead
    let actorOptimizer: Adam
    /// Q₁ and Q₂ with their targets and optimisers.
    let critics: CriticEnsemble
    /// log α (one element) and its gradient; α = exp(log α).
    let logAlpha: FloatBuffer
    let logAlphaGradient = FloatBuffer(count: 1)
    /// nil when α is fixed.
    let alphaOptimizer: Adam?
    /// Gradient steps taken so far.
    public internal(set) var updateCount = 0
    /// μ̂(a|s), a Gaussian behavior-cloning model of the replayed actions, fitted alongside: the
    /// truncated-IS actor gradient needs μ at actions the policy samples, which no store records.
    /// nil with the reparameterization gradient.
    let behaviorModel: BehaviorCloning?

    // Workspaces, sized for the largest batch seen; nothing is allocated per update after the first.
    let inputs: CriticInputs
    /// rows: the Bellman targets y.
    private(set) var targets = FloatBuffer(count: 0)
    /// The importance weights of the batch `update(on:importanceWeights:using:)` is learning from, for that call
    /// only (nil otherwise): the critic loss weights its rows by them (prioritized replay).
    var importanceWeights: FloatBuffer?
    /// rows each: ∂J_π/∂Q₁ and ∂J_π/∂Q₂.
    private(set) var firstValueGradient = FloatBuffer(count: 0)
    private(set) var secondValueGradient = FloatBuffer(count: 0)
    /// rows × A each: ∂J_π/∂ã through Q₁, then through Q₂ (summed into the second).
    private var firstActionGradient = FloatBuffer(count: 0)
    private var secondActionGradient = FloatBuffer(count: 0)
    /// rows × 2A: ∂J_π/∂[μ | log σ].
    private var rawGradient = FloatBuffer(count: 0)
    private var rowCapacity = 0

    public init(observationSize: Int, actionLow: [Float], actionHigh: [Float], config: SACConfig = SACConfig(),
                generator: inout SeededGenerator) throws {
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("observation size must be positive") }
        try config.validate()
        actionScale = try ActionScale.forLearner(low: actionLow, high: actionHigh)
        self.config = config
        self.observationSize = observationSize
        let actionCount = actionLow.count
        actionSize = actionCount
        targetEntropy = Float(config.targetEntropy ?? -Double(actionCount))

        // The passes of one update run one after another, so all networks share one backward scratch;
        // with several threads the critics have their own, as their work runs at once (`CriticEnsemble`).
        let scratch = Workspace()
        let common = config.common
        actor = MLP(layerSizes: [observationSize] + common.hiddenSizes + [2 * actionCount],
                    hiddenActivation: common.activation, outputActivation: .identity, scratch: scratch, generator: &generator)
        nextActor = actor.sharingParameters()
        head = SquashedGaussianHead(actionSize: actionCount)
        critics = CriticEnsemble(count: 2, inputSize: observationSize + actionCount, common: common, scratch: scratch, generator: &generator)
        actorOptimizer = Adam(parameterCount: actor.parameterCount, learningRate: Float(common.learningRate))
        switch config.entropyCoefficient {
        case .learned(let initial):
            logAlpha = FloatBuffer([Float(log(initial))])
            alphaOptimizer = Adam(parameterCount: 1, learningRate: Float(common.learningRate))
        case .fixed(let value):
            logAlpha = FloatBuffer([Float(log(value))])
            alphaOptimizer = nil
        }
        inputs = CriticInputs(observationSize: observationSize, actionSize: actionCount)
        behaviorModel = try Self.makeBehaviorModel(config: config, observationSize: observationSize,
                                                   actionLow: actionLow, actionHigh: actionHigh, generator: &generator)
        reserveRows(common.batchSize)
    }

    /// The current temperature α.
    public var alpha: Float { exp(logAlpha.base[0]) }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        targets = FloatBuffer(count: rows)
        firstValueGradient = FloatBuffer(count: rows)
        secondValueGradient = FloatBuffer(count: rows)
        firstActionGradient = FloatBuffer(count: rows * actionSize)
        secondActionGradient = FloatBuffer(count: rows * actionSize)
        rawGradient = FloatBuffer(count: rows * 2 * actionSize)
        actor.reserveRows(rows)
        head.reserveRows(rows)
        critics.reserveRows(rows)
        inputs.reserveRows(rows)
        rowCapacity = rows
    }

    /// Sizes the workspaces for the batch and stages the critics' inputs from it (`CriticInputs.stage`).
    func stage(_ batch: TransitionBatch) {
        reserveRows(batch.count)
        inputs.stage(batch, actionScale: actionScale)
    }

    // MARK: The update, in the paper's order

    /// One gradient step on every network: targets, critics, actor, temperature, target critics
    /// (SB3's order). This is the fast version; `referenceUpdate` is the same update written plainly,
    /// and a test holds the two to the same parameters, bit for bit.
    ///
    /// Two things are fused here:
    /// - each critic takes its Adam step (with the target's Polyak average in the same pass over its
    ///   parameters, when due) right after its own gradient is complete, while it is in cache;
    /// - the policy's actions ã ~ π(·|s) are drawn before the critics' steps, and Q_k(s, ã) is evaluated
    ///   right after critic k's step. The critics' step neither reads nor changes the actor and draws no
    ///   noise, so ã, the noise stream and Q_k(s, ã) are exactly those of the plain order.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        if config.nStep > 1 { return sequenceUpdate(on: batch, using: &generator) }
        if config.actorGradient != .reparameterization { return referenceUpdate(on: batch, using: &generator) }
        let rows = batch.count
        stage(batch)
        let alpha = self.alpha  // α of this step (SB3 reads it before the temperature's own step)

        // 1. Targets: y = r + γ (1 − terminated) (min_k Q̄_k(s', ã') − α log π(ã'|s')) (eqs. 2–3). The actor's
        //    passes on s' and on s read the same parameters; with two threads they run at once (`actorPasses`).
        let passes = actorPasses(batch)
        softBellmanTargets(batch, alpha: alpha, nextRaw: passes?.next, using: &generator)
        let policySample = samplePolicyActions(batch, raw: passes?.current, using: &generator)

        // 2. Critic loss and step: J_Q = ½ Σ_k mean_b (Q_k(s, a) − y)² (eq. 5), critic by critic, at once
        //    on several threads (`forEachCritic`); the losses are summed in order.
        let updatesTargets = (updateCount + 1) % config.targetUpdateInterval == 0
        let tau = Float(config.common.tau)
        var criticLosses = [Double](repeating: 0, count: critics.count)
        var policyValues = [UnsafeMutablePointer<Float>?](repeating: nil, count: critics.count)
        criticLosses.withUnsafeMutableBufferPointer { losses in
            policyValues.withUnsafeMutableBufferPointer { values in
                critics.forEachCritic { k in
                    losses[k] = criticLossAndGradient(k, rows: rows)
                    if updatesTargets {
                        critics.step(k, averagingTargetWith: tau)  // 5. target update, fused
                    } else {
                        critics.step(k)
                    }
                    values[k] = critics.critics[k].forward(inputs.policy.base, rows: rows)  // Q_k(s, ã) for step 3
                }
            }
        }
        let criticLoss = criticLosses.reduce(0, +)

        // 3. Actor loss and step: J_π = mean_b [α log π(ã|s) − min_k Q_k(s, ã)] (eq. 9).
        let actor = actorLossAndGradient(batch, sample: policySample, firstValues: policyValues[0]!,
                                         secondValues: policyValues[1]!, alpha: alpha)
        actorOptimizer.step(self.actor)

        // 4. Temperature: J(α) = −log α · (mean log π(ã|s) + H̄) (eq. 18), in log α as SB3 does.
        let alphaLoss = stepTemperature(meanLogProbability: actor.meanLogProbability)

        // 5. Target critics: Polyak averaging with τ, fused into step 2.
        updateCount += 1
        return metrics(criticLoss: criticLoss, actor: actor, alpha: alpha, alphaLoss: alphaLoss)
    }

    /// The same update as `update(on:using:)`, step by step in SB3's order with nothing fused: the
    /// reference the fast version is tested against.
    func referenceUpdate(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        stage(batch)
        let alpha = self.alpha

        // 1. Targets.
        softBellmanTargets(batch, alpha: alpha, using: &generator)
        return stepsAfterTargets(batch, alpha: alpha, using: &generator)
    }

    /// The n-step update (`nStep` > 1): `batch` holds runs of `nStep` consecutive transitions. Q(s₀, a₀) of
    /// each run is regressed onto its corrected n-step target (`sequenceTargets`, `correction`); the actor
    /// and the temperature learn on the runs' first transitions; then as `referenceUpdate` from step 2.
    func sequenceUpdate(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        let length = config.nStep
        let alpha = self.alpha
        // 1. Targets over whole runs, then the runs' first transitions staged with their targets.
        let computed = sequenceTargets(batch, length: length, correction: config.correction, alpha: alpha, using: &generator)
        let first = batch.rows(from: 0, every: length)
        stage(first)
        for run in 0..<first.count { targets.base[run] = Float(computed.targets[run * length]) }
        var metrics = stepsAfterTargets(first, alpha: alpha, using: &generator)
        if config.correction != .none {
            // The share of the runs' rows whose log μ is unknown (NaN): their ρ is 0, the trace is cut there.
            let unknown = batch.behaviorLogProbabilities.filter(ImportanceRatio.isUnknown).count
            metrics["unknown_behavior"] = Double(unknown) / Double(batch.count)
        }
        return metrics
    }

    /// Steps 2–5 of the plain update on a staged batch whose targets are in `targets`.
    private func stepsAfterTargets(_ batch: TransitionBatch, alpha: Float, using generator: inout SeededGenerator) -> UpdateMetrics {
        let rows = batch.count

        // 2. Critic loss and step.
        var criticLoss: Double = 0
        for k in 0..<critics.count { criticLoss += criticLossAndGradient(k, rows: rows) }
        for k in 0..<critics.count { critics.step(k) }

        // 3. Actor loss and step, through the updated critics.
        let policySample = samplePolicyActions(batch, using: &generator)
        let firstValues = critics.critics[0].forward(inputs.policy.base, rows: rows)
        let secondValues = critics.critics[1].forward(inputs.policy.base, rows: rows)
        var extra: UpdateMetrics = [:]
        let actor: ActorLoss
        switch config.actorGradient {
        case .reparameterization:
            actor = actorLossAndGradient(batch, sample: policySample, firstValues: firstValues, secondValues: secondValues, alpha: alpha)
        case .truncatedImportanceSampling(let clip):
            let truncated = truncatedImportanceSamplingGradient(batch, sample: policySample, firstValues: firstValues,
                                                                secondValues: secondValues, alpha: alpha, clip: clip, using: &generator)
            actor = truncated.loss
            extra = truncated.metrics
        }
        actorOptimizer.step(self.actor)

        // 4. Temperature.
        let alphaLoss = stepTemperature(meanLogProbability: actor.meanLogProbability)

        // 5. Target critics.
        if (updateCount + 1) % config.targetUpdateInterval == 0 { critics.updateTargets(tau: Float(config.common.tau)) }
        updateCount += 1
        return metrics(criticLoss: criticLoss, actor: actor, alpha: alpha, alphaLoss: alphaLoss).merging(extra) { $1 }
    }

    /// `alpha_loss` only when α is learned; the truncated-IS gradient adds its own.
    public var metricNames: [String] {
        ["critic_loss", "actor_loss", "alpha"] + (alphaOptimizer == nil ? [] : ["alpha_loss"]) + ["log_probability", "q_policy"]
            + (behaviorModel == nil ? [] : Self.truncatedImportanceSamplingMetricNames)
            + (behaviorModel == nil && config.nStep > 1 && config.correction != .none ? ["unknown_behavior"] : [])
    }

    func metrics(criticLoss: Double, actor: ActorLoss, alpha: Float, alphaLoss: Float?) -> UpdateMetrics {
        var metrics: UpdateMetrics = ["critic_loss": criticLoss, "actor_loss": actor.loss, "alpha": Double(alpha),
                                      "log_probability": Double(actor.meanLogProbability), "q_policy": actor.meanPolicyValue]
        if let alphaLoss { metrics["alpha_loss"] = Double(alphaLoss) }
        return metrics
    }

    // MARK: Targets

    /// y = r + γ (1 − terminated) (min_k Q̄_k(s', ã') − α log π(ã'|s')), ã' ~ π(·|s') (eqs. 2–3), into
    /// `targets`. Reads [s' | ·] staged by `inputs.stage`; draws the noise of ã' from `generator`.
    /// `nextRaw`: the actor's output on s' when already computed (`actorPasses`).
    func softBellmanTargets(_ batch: TransitionBatch, alpha: Float, nextRaw: UnsafeMutablePointer<Float>? = nil,
                            using generator: inout SeededGenerator) {
        let rows = batch.count
        let raw = nextRaw ?? batch.nextObservations.withUnsafeBufferPointer { next in actor.forward(next.baseAddress!, rows: rows) }
        head.sample(raw: raw, rows: rows, using: &generator)
        inputs.writeNextActions(head.actions.base, rows: rows)
        let value = targets.base, logp = head.logProbabilities.base
        critics.targetMinimum(inputs.next.base, rows: rows, into: value)
        for i in 0..<rows { value[i] = value[i] - alpha * logp[i] }
        BellmanTarget.compute(batch, discount: Float(config.common.discount), nextValuesToTargets: value)
    }

    // MARK: Critics

    /// J_Q of critic k: ½ mean_b (Q_k(s, a) − y)² (eq. 5; SB3 sums the twin losses with the factor ½),
    /// on [s | a] staged by `inputs.stage` and y in `targets`. Fills critic k's gradient.
    func criticLossAndGradient(_ k: Int, rows: Int) -> Double {
        critics.regressionLoss(k, input: inputs.current.base, targets: targets.base, rows: rows, scale: 0.5,
                               weights: importanceWeights?.base)
    }

    // MARK: Actor

    /// ã ~ π(·|s) for the batch: the actor's raw output [μ | log σ] (which the actor's backward pass needs).
    struct PolicySample {
        let raw: UnsafeMutablePointer<Float>
    }

    /// Samples ã = tanh(μ(s) + σ(s) ε) for the batch's observations (noise from `generator`) and writes
    /// [s | ã] into `inputs.policy`; the head keeps ã and log π(ã|s).
    /// `raw`: the actor's output on s from its last forward pass, when already computed (`actorPasses`).
    func samplePolicyActions(_ batch: TransitionBatch, raw computed: UnsafeMutablePointer<Float>? = nil,
                             using generator: inout SeededGenerator) -> PolicySample {
        let rows = batch.count
        let raw = computed ?? batch.observations.withUnsafeBufferPointer { s in actor.forward(s.baseAddress!, rows: rows) }
        head.sample(raw: raw, rows: rows, using: &generator)
        inputs.writePolicyActions(head.actions.base, rows: rows)
        return PolicySample(raw: raw)
    }

    /// The actor's outputs on s' (through `nextActor`, which shares its parameters) and on s (through the actor
    /// itself, whose activations its backward pass needs), computed at once on two pool threads; nil where that
    /// does not gain (`MLP.gainsFromPassesAtOnce`), and the update computes them in turn. The same products on
    /// the same inputs either way, so the same bits.
    func actorPasses(_ batch: TransitionBatch) -> (next: UnsafeMutablePointer<Float>, current: UnsafeMutablePointer<Float>)? {
        let rows = batch.count
        guard actor.gainsFromPassesAtOnce(rows: rows) else { return nil }
        var outputs = [UnsafeMutablePointer<Float>?](repeating: nil, count: 2)
        outputs.withUnsafeMutableBufferPointer { outputs in
            batch.nextObservations.withUnsafeBufferPointer { next in
                batch.observations.withUnsafeBufferPointer { s in
                    ThreadPool.run(parts: 2) { part in
                        outputs[part] = part == 0 ? nextActor.forward(next.baseAddress!, rows: rows) : actor.forward(s.baseAddress!, rows: rows)
                    }
                }
            }
        }
        return (outputs[0]!, outputs[1]!)
    }

    struct ActorLoss {
        var loss: Double
        var meanLogProbability: Float
        var meanPolicyValue: Double
    }

    /// J_π = mean_b [α log π(ã|s) − min_k Q_k(s, ã)] (eq. 9, with the tanh squashing of appendix C),
    /// given the sample and Q_k(s, ã) from each critic's last forward pass (on `inputs.policy`).
    /// Fills the actor's gradient through both critics and the reparameterised sample.
    func actorLossAndGradient(_ batch: TransitionBatch, sample: PolicySample, firstValues q1: UnsafePointer<Float>,
                              secondValues q2: UnsafePointer<Float>, alpha: Float) -> ActorLoss {
        let rows = batch.count
        let logp = head.logProbabilities.base
        // ∂J/∂Q_k is −1/B on the rows where Q_k is the smaller value (Q₁ on ties), 0 elsewhere.
        let g1 = firstValueGradient.base, g2 = secondValueGradient.base, share = 1 / Float(rows)
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
        // ∂J/∂ã through both critics (action columns only; the critics' own gradients are not needed).
        let columns = inputs.actionColumns
        let valueGradients = [g1, g2], actionGradients = [firstActionGradient.base, secondActionGradient.base]
        critics.forEachCritic { k in
            critics.actionGradient(k, valueGradient: valueGradients[k], input: inputs.policy.base, rows: rows,
                                   actionColumns: columns, into: actionGradients[k])
        }
        let ga = secondActionGradient.base, ga1 = firstActionGradient.base
        for i in 0..<(rows * actionSize) { ga[i] += ga1[i] }
        // Through the reparameterised sample, with ∂J/∂log π = α/B per row, then through the actor.
        head.backward(raw: sample.raw, rows: rows, actionGradient: ga, logProbabilityWeight: alpha * share, into: rawGradient.base)
        batch.observations.withUnsafeBufferPointer { s in
            actor.backward(outputGradient: rawGradient.base, input: s.baseAddress!, rows: rows)
        }
        return ActorLoss(loss: lossSum / Double(rows), meanLogProbability: Float(logpSum / Double(rows)),
                         meanPolicyValue: valueSum / Double(rows))
    }

    // MARK: Temperature

    /// J(α) = −log α · (mean_b log π(ã|s) + H̄) (eq. 18, optimised in log α as SB3 does);
    /// fills ∂J/∂log α and returns J.
    func temperatureLossAndGradient(meanLogProbability: Float) -> Float {
        let signal = meanLogProbability + targetEntropy
        logAlphaGradient.base[0] = -signal
        return -logAlpha.base[0] * signal
    }

    /// One Adam step of log α when α is learned; returns J(α), or nil when α is fixed.
    func stepTemperature(meanLogProbability: Float) -> Float? {
        guard let alphaOptimizer else { return nil }
        let loss = temperatureLossAndGradient(meanLogProbability: meanLogProbability)
        alphaOptimizer.step(parameters: logAlpha, gradients: logAlphaGradient)
        return loss
    }

    /// The matrix-product FLOPs of one `update(on:)` with `rows` transitions.
    public func productFLOPsPerUpdate(rows: Int) -> Double {
        actor.forwardFLOPs(rows: rows) + critics.targetFLOPs(rows: rows)      // targets
            + critics.regressionFLOPs(rows: rows)                               // critics
            + actor.forwardFLOPs(rows: rows) + actor.backwardFLOPs(rows: rows)  // actor
            + critics.actionGradientFLOPs(rows: rows, critics: 2, actionCount: actionSize)
    }
}
