import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// SAC's actor trained by ACER's truncated importance sampling with bias correction
/// (`--actor-gradient truncated-is`; Wang et al. 2017, eq. 7, estimator in `TruncatedImportanceSampling`):
///
///     g = min(c, ρ_t)·∇log π(a_t|s_t)·(Q^ret_t − V(s_t))
///       + E_{a~π}[ max(0, 1 − c/ρ(a))·(Q(s_t, a) − V(s_t))·∇log π(a|s_t) ],
///
/// ascended (the update descends −g). In SAC's terms:
/// - a_t is the logged action and ρ_t = π(a_t|s_t)/μ(a_t|s_t) uses the stored behavior log-probability;
/// - Q^ret_t is the critic's own regression target of the row: the one-step soft Bellman target, or the
///   corrected n-step target with `--n-step` (with `--correction retrace` it is ACER's Retrace Q^ret);
/// - V(s_t) = min_k Q_k(s_t, ã₁) − α log π(ã₁|s_t) with ã₁ ~ π, one sample (as the Retrace targets estimate V);
/// - the expectation is estimated with a second, independent sample ã₂ ~ π (with ã₁ it would be zero by
///   construction), Q(s_t, ã₂) = min_k Q_k(s_t, ã₂);
/// - ρ(ã₂) needs μ at an action nobody logged, so μ is a Gaussian behavior-cloning model μ̂ fitted to the
///   replayed (s, a) alongside (one maximum-likelihood step per update, on the same batch);
/// - a row whose log μ is unknown (NaN) has ρ_t = 0 (`ImportanceRatio`): its logged term is dropped, and
///   the `unknown_behavior` metric counts such rows.
///
/// Maximum entropy: SAC's actor maximises E_π[Q − α log π], whose score-function gradient is
/// E_π[∇log π(a|s)·(Q(s, a) − α log π(a|s) − V(s))] (the −α ∇log π term has mean zero). So each action's
/// value above carries its −α log π(a|s_t); with α = 0 the estimator is exactly eq. 7.
extension SAC {
    /// `unknown_behavior`: the share of rows whose behavior log-probability is unknown (NaN); they get ρ = 0,
    /// a zero logged weight (`ImportanceRatio`), and count as 0 in `truncated_ratio`.
    static let truncatedImportanceSamplingMetricNames = ["unknown_behavior", "truncated_ratio", "correction_weight", "behavior_nll"]

    static func makeBehaviorModel(config: SACConfig, observationSize: Int, actionLow: [Float], actionHigh: [Float],
                                  generator: inout SeededGenerator) throws -> BehaviorCloning? {
        guard config.actorGradient != .reparameterization else { return nil }
        var behavior = BCConfig()
        behavior.common = config.common
        behavior.policy = .gaussian
        return try BehaviorCloning(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh,
                                   config: behavior, generator: &generator)
    }

    /// What one truncated-IS actor gradient used: the scalar weights of the two score terms per row
    /// (`weights[i].logged` multiplies ∇log π(a_t|s_t), `.sampled` ∇log π(ã₂|s_t)) and ã₂ in environment units.
    struct TruncatedImportanceSamplingStep {
        var loss: ActorLoss
        var metrics: UpdateMetrics
        var weights: [TruncatedImportanceSampling.Weights]
        var sampledActions: [Float]
    }

    /// Fills the actor's gradient with −g/B summed over the batch (the update descends), given the sample ã₁
    /// of `samplePolicyActions` and Q_k(s, ã₁) from each critic's last forward pass; then takes μ̂'s step.
    /// `targets` must hold the rows' Q^ret. The reported actor loss is SAC's objective at ã₁,
    /// mean_b [α log π(ã₁|s) − min_k Q_k(s, ã₁)], comparable with the reparameterized runs'.
    func truncatedImportanceSamplingGradient(_ batch: TransitionBatch, sample: PolicySample, firstValues q1: UnsafePointer<Float>,
                                             secondValues q2: UnsafePointer<Float>, alpha: Float, clip: Double,
                                             using generator: inout SeededGenerator) -> TruncatedImportanceSamplingStep {
        guard let behaviorModel else { preconditionFailure("the truncated-IS gradient needs the behavior model") }
        let rows = batch.count, n = actionSize
        let alpha = Double(alpha)
        let jacobian = Double(actionScale.logJacobian)

        // V(s) from ã₁ (network-unit log-densities throughout the values, as the critic targets use).
        var values = [Double](repeating: 0, count: rows)
        var lossSum: Double = 0, logpSum: Double = 0, valueSum: Double = 0
        let logp1 = head.logProbabilities.base
        for i in 0..<rows {
            let q = Double(min(q1[i], q2[i]))
            values[i] = q - alpha * Double(logp1[i])
            lossSum += alpha * Double(logp1[i]) - q
            logpSum += Double(logp1[i])
            valueSum += q
        }

        // ã₂ ~ π(·|s) from the same forward pass, its log π, and Q(s, ã₂).
        head.sample(raw: sample.raw, rows: rows, using: &generator)
        let logp2 = Array(UnsafeBufferPointer(start: head.logProbabilities.base, count: rows))
        var sampledActions = [Float](repeating: 0, count: rows * n)
        sampledActions.withUnsafeMutableBufferPointer { actionScale.toEnvironment(head.actions.base, rows: rows, into: $0.baseAddress!) }
        inputs.writePolicyActions(head.actions.base, rows: rows)
        let sampledQ1 = critics.critics[0].forward(inputs.policy.base, rows: rows)
        let sampledValues = (0..<rows).map { Double(sampledQ1[$0]) }
        let sampledQ2 = critics.critics[1].forward(inputs.policy.base, rows: rows)

        // Ratios: π and μ at the logged actions (stored log μ), π and μ̂ at ã₂; all in environment units.
        let loggedLogProbabilities = logProbabilities(observations: batch.observations, actions: batch.actions)
        let behaviorAtSampled = behaviorModel.logProbabilities(observations: batch.observations, actions: sampledActions)

        var weights: [TruncatedImportanceSampling.Weights] = []
        weights.reserveCapacity(rows)
        var truncatedSum: Double = 0, correctionSum: Double = 0, unknownCount = 0
        for i in 0..<rows {
            let loggedLogPi = Double(loggedLogProbabilities[i])
            // ρ_t = 0 where μ is unknown (NaN): no weight, never the clip (`ImportanceRatio`).
            let ratio = ImportanceRatio.ratio(logTarget: loggedLogPi, logBehavior: Double(batch.behaviorLogProbabilities[i]))
            if ImportanceRatio.isUnknown(batch.behaviorLogProbabilities[i]) { unknownCount += 1 }
            let sampledRatio = exp(Double(logp2[i]) - jacobian - Double(behaviorAtSampled[i]))
            let sampledLogPiNetwork = Double(logp2[i])
            let w = TruncatedImportanceSampling.weights(
                ratio: ratio, returnEstimate: Double(targets.base[i]) - alpha * (loggedLogPi + jacobian), value: values[i],
                sampledRatio: sampledRatio,
                sampledActionValue: min(sampledValues[i], Double(sampledQ2[i])) - alpha * sampledLogPiNetwork,
                clip: clip)
            weights.append(w)
            truncatedSum += min(clip, ratio)
            correctionSum += TruncatedImportanceSampling.correctionFactor(sampledRatio: sampledRatio, clip: clip)
        }

        // −(1/B) Σ [w_logged ∇log π(a_t|s_t) + w_sampled ∇log π(ã₂|s_t)], one pass over 2B rows.
        let share = 1 / Double(rows)
        let scoreWeights = weights.map { Float(-share * $0.logged) } + weights.map { Float(-share * $0.sampled) }
        _ = addLogProbabilityGradient(observations: batch.observations + batch.observations,
                                      actions: batch.actions + sampledActions, weights: scoreWeights)

        // μ̂ learns the replayed actions (its own network and optimiser; the actor's gradient is untouched).
        let behaviorLoss = behaviorModel.update(on: batch, using: &generator)["bc_loss"] ?? .nan

        let loss = ActorLoss(loss: lossSum * share, meanLogProbability: Float(logpSum * share), meanPolicyValue: valueSum * share)
        let metrics: UpdateMetrics = ["truncated_ratio": truncatedSum * share, "correction_weight": correctionSum * share,
                                      "behavior_nll": behaviorLoss, "unknown_behavior": Double(unknownCount) * share]
        return TruncatedImportanceSamplingStep(loss: loss, metrics: metrics, weights: weights, sampledActions: sampledActions)
    }
}
