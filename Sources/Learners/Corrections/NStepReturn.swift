/// The uncorrected n-step return (`OffPolicyCorrection.none`): Sutton & Barto 2018, eq. 7.1, for every
/// position of a window of K consecutive transitions, with dᵢ = γ·(1 − terminatedᵢ):
///
///     G_{K−1} = r_{K−1} + d_{K−1} · V(s_K),     G_i = r_i + d_i · G_{i+1},
///
/// that is G_i = Σ_{k<K−i} γᵏ r_{i+k} + γ^{K−i} V(s_K), cut at the first termination. It ignores that
/// the logged actions came from μ rather than π: biased off-policy, exact in expectation on-policy.
public enum NStepReturn {
    /// G_0 … G_{K−1}; `rewards` and `discounts` have K values, `bootstrapValue` is V(s_K).
    public static func targets(rewards: [Double], discounts: [Double], bootstrapValue: Double) -> [Double] {
        let count = rewards.count
        precondition(count > 0 && discounts.count == count, "rewards and discounts need the same positive count")
        var targets = [Double](repeating: 0, count: count)
        var later = bootstrapValue
        for i in stride(from: count - 1, through: 0, by: -1) {
            later = rewards[i] + discounts[i] * later
            targets[i] = later
        }
        return targets
    }

    /// d_i = γ·(1 − terminated_i): the discounts the recursions here take. Only termination stops
    /// bootstrapping; a truncated transition keeps γ.
    public static func discounts(terminated: [Bool], discount: Double) -> [Double] {
        terminated.map { $0 ? 0 : discount }
    }
}
