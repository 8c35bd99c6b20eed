/// V-trace: Espeholt et al. 2018, "IMPALA" (arXiv:1802.01561), section 4.1, eq. 1, with the λ of its
/// appendix (as rlax's `vtrace_td_error_and_advantage` computes it).
///
/// For a window of K steps s = 0 … K−1, d_s = γ·(1 − terminated_s), ρ_s = π(a_s|x_s)/μ(a_s|x_s):
///
///     δ_s = min(ρ̄, ρ_s) · (r_s + d_s V(x_{s+1}) − V(x_s)),    c_s = λ · min(c̄, ρ_s)   (c̄ = 1 by default, as rlax)
///     v_s − V(x_s) = δ_s + d_s c_s (v_{s+1} − V(x_{s+1})),    v_K − V(x_K) = 0,
///
/// that is v_s = V(x_s) + Σ_{t≥s} (Π_{s≤i<t} d_i c_i) δ_t. The policy-gradient advantage is
///
///     A_s = min(ρ̄_pg, ρ_s) · (r_s + d_s (λ v_{s+1} + (1 − λ) V(x_{s+1})) − V(x_s)),
///
/// with v_K = V(x_K); for λ = 1 this is IMPALA's min(ρ̄, ρ_s)(r_s + γ v_{s+1} − V(x_s)).
/// On-policy (ρ ≡ 1, ρ̄ ≥ 1) v_s is the λ-return of V.
///
/// `values` V(x_s) and `nextValues` V(x_{s+1}) are separate inputs (rlax's v_tm1 and v_t): in real use
/// nextValues[s] = values[s + 1], and nextValues[K − 1] is the bootstrap V(x_K).
///
/// An unknown behavior log-probability makes ρ_s NaN; it is read as ρ_s = 0 (`ImportanceRatio`'s rule):
/// δ_s = 0, c_s = 0 (the trace is cut) and A_s = 0, so v_s = V(x_s) and nothing later reaches earlier steps.
public enum VTrace {
    /// `clipTraceRatio` is c̄ (1 in IMPALA's experiments and rlax): c_s = λ · min(c̄, ρ_s).
    public static func targets(values: [Double], nextValues: [Double], rewards: [Double], discounts: [Double],
                               ratios: [Double], lambda: Double = 1, clipRatio: Double = 1,
                               clipPolicyGradientRatio: Double = 1, clipTraceRatio: Double = 1) -> VTraceTargets {
        let count = values.count
        precondition(count > 0, "a window needs at least one step")
        precondition([nextValues.count, rewards.count, discounts.count, ratios.count].allSatisfy { $0 == count },
                     "every input needs \(count) values")
        let ratios = ratios.map(ImportanceRatio.known)
        var corrected = [Double](repeating: 0, count: count)  // v_s
        var accumulated: Double = 0                              // v_{s+1} − V(x_{s+1})
        for s in stride(from: count - 1, through: 0, by: -1) {
            let delta = min(clipRatio, ratios[s]) * (rewards[s] + discounts[s] * nextValues[s] - values[s])
            let c = lambda * min(clipTraceRatio, ratios[s])
            accumulated = delta + discounts[s] * c * accumulated
            corrected[s] = values[s] + accumulated
        }
        var estimates = [Double](repeating: 0, count: count)
        var advantages = [Double](repeating: 0, count: count)
        for s in 0..<count {
            let next = s + 1 < count ? lambda * corrected[s + 1] + (1 - lambda) * values[s + 1] : nextValues[s]
            estimates[s] = rewards[s] + discounts[s] * next
            advantages[s] = min(clipPolicyGradientRatio, ratios[s]) * (estimates[s] - values[s])
        }
        return VTraceTargets(values: corrected, policyGradientAdvantages: advantages, actionValueEstimates: estimates)
    }
}
