import Foundation

/// Retrace(λ) critic targets: Munos, Stepleton, Harutyunyan & Bellemare 2016, "Safe and Efficient
/// Off-Policy Reinforcement Learning" (arXiv:1606.02647), eq. 4, written as the backward recursion
/// rlax's `retrace_continuous` computes.
///
/// A window is K consecutive transitions i = 0 … K−1 of one episode (`ReplayStore.sampleSequences`
/// gives them). With dᵢ = γ·(1 − terminatedᵢ):
///
///     G_{K−1} = r_{K−1} + d_{K−1} · V(s_K)
///     G_i     = r_i + d_i · ( V(s_{i+1}) + c_{i+1} · (G_{i+1} − Q̄(s_{i+1}, a_{i+1})) )
///
/// where V(s) = E_{a~π} Q̄(s, a) (for SAC the soft value Q̄(s, a') − α log π(a'|s), a' ~ π), and the
/// trace coefficient c = λ · min(1, ρ), ρ = π(a|s)/μ(a|s) of the *next* logged action.
///
/// - Bootstrapping stops at termination: dᵢ = 0 makes G_i = r_i, whatever follows.
/// - A window cut by its own length (or by a time limit, `truncated`) bootstraps from V(s_K): truncation
///   is not termination.
/// - λ = 0 gives the one-step target r_i + d_i V(s_{i+1}); with c ≡ 1 (π = μ, λ = 1) G_i is the n-step
///   return Σ_k γᵏ r_{i+k} + γ^{K−i} V(s_K) plus the zero-mean terms Σ_k γᵏ (V(s_{i+k}) − Q̄(s_{i+k}, a_{i+k})).
///
/// Other choices of c give the other corrections of the same recursion (`OffPolicyCorrection`):
/// c = min(clip, ρ) is per-decision importance sampling clipped at `clip`.
///
/// An unknown behavior log-probability (NaN) gives ρ = 0, so c = 0 and the trace is cut at that action
/// (`ImportanceRatio`). A NaN trace coefficient passed to `targets` directly is read as 0 too.
public enum Retrace {
    /// c_i = λ · min(1, exp(log ρ_i)) for each log-ratio log ρ_i = log π(a_i|s_i) − log μ(a_i|s_i).
    /// A NaN log-ratio (an unknown behavior log-probability) gives ρ = 0 and so c = 0: the trace is cut
    /// there (`ImportanceRatio`'s rule).
    public static func traceCoefficients(logRatios: [Double], lambda: Double) -> [Double] {
        logRatios.map { lambda * min(1, ImportanceRatio.known(exp($0))) }
    }

    /// The targets G_0 … G_{K−1} of one window.
    ///
    /// - Parameters:
    ///   - rewards: r_i, K values.
    ///   - discounts: d_i = γ·(1 − terminated_i), K values.
    ///   - nextValues: V(s_{i+1}), K values.
    ///   - nextActionValues: Q̄(s_{i+1}, a_{i+1}), K − 1 values (the last step has no next logged action).
    ///   - traceCoefficients: c_{i+1}, K − 1 values (for the actions a_1 … a_{K−1}).
    public static func targets(rewards: [Double], discounts: [Double], nextValues: [Double],
                               nextActionValues: [Double], traceCoefficients: [Double]) -> [Double] {
        let count = rewards.count
        precondition(count > 0, "a window needs at least one transition")
        precondition(discounts.count == count && nextValues.count == count, "rewards, discounts and next values need \(count) values each")
        precondition(nextActionValues.count == count - 1 && traceCoefficients.count == count - 1,
                     "next action values and trace coefficients need \(count - 1) values each")
        var targets = [Double](repeating: 0, count: count)
        var later = rewards[count - 1] + discounts[count - 1] * nextValues[count - 1]
        targets[count - 1] = later
        for i in stride(from: count - 2, through: 0, by: -1) {
            let c = ImportanceRatio.known(traceCoefficients[i])
            later = rewards[i] + discounts[i] * (nextValues[i] + c * (later - nextActionValues[i]))
            targets[i] = later
        }
        return targets
    }
}
