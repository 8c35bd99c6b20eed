/// Truncated importance sampling with bias correction, the policy gradient of ACER: Wang et al. 2017,
/// "Sample Efficient Actor-Critic with Experience Replay" (arXiv:1611.01224), eq. 7 (its continuous
/// form, section 5):
///
///     g = min(c, ρ_t) · ∇log π(a_t|s_t) · (Q^ret_t − V(s_t))
///       + E_{a~π}[ max(0, 1 − c/ρ(a)) · (Q(s_t, a) − V(s_t)) · ∇log π(a|s_t) ],
///
/// a_t the logged action (ρ_t = π(a_t|s_t)/μ(a_t|s_t)), the expectation estimated with one sample
/// a ~ π(·|s_t). The first term truncates the weight at c (bounded variance); the second adds back,
/// under π, exactly the part the truncation removed, so the sum is unbiased for
/// E_π[∇log π · (Q − V)] whatever c is (given Q^ret and Q unbiased for Q^π).
///
/// These functions take the per-sample quantities explicitly; the score vectors ∇log π are whatever
/// the policy's parameters are (`SAC.addLogProbabilityGradient` accumulates such terms for SAC's actor).
///
/// An unknown behavior log-probability makes ρ NaN; every function here reads it as ρ = 0
/// (`ImportanceRatio`'s rule): the logged term's weight is zero, never the clip c.
public enum TruncatedImportanceSampling {
    /// The scalar weights of the two score vectors in one sample's g.
    public struct Weights: Equatable, Sendable {
        /// min(c, ρ_t) · (Q^ret_t − V(s_t)): multiplies ∇log π(a_t|s_t).
        public var logged: Double
        /// max(0, 1 − c/ρ(a)) · (Q(s_t, a) − V(s_t)): multiplies ∇log π(a|s_t), a ~ π.
        public var sampled: Double
    }

    /// The weights of one sample. `ratio` is ρ_t at the logged action, `sampledRatio` ρ(a) at a ~ π;
    /// `clip` is c (> 0). ρ(a) = 0 gives a zero correction weight, ρ(a) = ∞ the full one; a NaN ρ_t or ρ(a)
    /// counts as 0.
    public static func weights(ratio: Double, returnEstimate: Double, value: Double,
                               sampledRatio: Double, sampledActionValue: Double, clip: Double) -> Weights {
        Weights(logged: min(clip, ImportanceRatio.known(ratio)) * (returnEstimate - value),
                sampled: correctionFactor(sampledRatio: sampledRatio, clip: clip) * (sampledActionValue - value))
    }

    /// max(0, 1 − c/ρ): the share of π's mass at a that truncation at c removed.
    public static func correctionFactor(sampledRatio: Double, clip: Double) -> Double {
        guard sampledRatio > 0 else { return 0 }
        return max(0, 1 - clip / sampledRatio)
    }

    /// g = weights.logged · loggedScore + weights.sampled · sampledScore.
    public static func gradient(_ weights: Weights, loggedScore: [Double], sampledScore: [Double]) -> [Double] {
        precondition(loggedScore.count == sampledScore.count, "the two score vectors need the same length")
        return zip(loggedScore, sampledScore).map { weights.logged * $0 + weights.sampled * $1 }
    }

    /// Plain truncation, without the correction term: min(c, ρ_t) · (Q^ret_t − V(s_t)) · ∇log π(a_t|s_t).
    /// Biased wherever ρ exceeds c; kept as the baseline the bias correction is measured against.
    public static func truncatedOnly(ratio: Double, returnEstimate: Double, value: Double, clip: Double,
                                     loggedScore: [Double]) -> [Double] {
        let weight = min(clip, ImportanceRatio.known(ratio)) * (returnEstimate - value)
        return loggedScore.map { weight * $0 }
    }

    /// Full importance sampling: ρ_t · (Q^ret_t − V(s_t)) · ∇log π(a_t|s_t). Unbiased, unbounded weights.
    public static func fullImportanceSampling(ratio: Double, returnEstimate: Double, value: Double,
                                              loggedScore: [Double]) -> [Double] {
        let weight = ImportanceRatio.known(ratio) * (returnEstimate - value)
        return loggedScore.map { weight * $0 }
    }
}
