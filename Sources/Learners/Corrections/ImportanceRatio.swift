import Foundation

/// The importance ratio ρ = π(a|s)/μ(a|s) and the one rule every estimator here applies to it:
/// **an unknown behavior log-probability (NaN) gives ρ = 0**, so the trace is cut there and the row's
/// importance weight is zero. An action of an unknown policy is not trusted, and it is never given the
/// largest weight. (Swift's `min(c, .nan)` is c, so without the rule a clipped NaN ratio would count as
/// the full clip: the bug of issue 15.)
///
/// A dataset without `infos/action_log_probs`, TD3 data with clipped actions and deterministic
/// collections store NaN as log μ.
public enum ImportanceRatio {
    /// ρ = exp(log π − log μ); 0 where either log-probability is NaN.
    public static func ratio(logTarget: Double, logBehavior: Double) -> Double {
        known(exp(logTarget - logBehavior))
    }

    /// A ratio with the rule applied: NaN becomes 0.
    @inline(__always)
    public static func known(_ ratio: Double) -> Double { ratio.isNaN ? 0 : ratio }

    /// A log-ratio with the rule applied: NaN becomes −∞ (ρ = 0).
    @inline(__always)
    public static func knownLog(_ logRatio: Double) -> Double { logRatio.isNaN ? -.infinity : logRatio }

    /// Whether a stored behavior log-probability is unknown (NaN): the rows a learner counts in its
    /// `unknown_behavior` metric.
    @inline(__always)
    public static func isUnknown(_ logBehavior: Float) -> Bool { logBehavior.isNaN }
}
