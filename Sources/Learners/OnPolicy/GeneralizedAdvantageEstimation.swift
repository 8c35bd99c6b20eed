/// GAE(λ) (Schulman et al. 2016, "High-dimensional continuous control using generalized advantage
/// estimation", eq. 16) over a rollout of segments, each a run of one environment copy's steps in order:
///
///     δ_t = r_t + γ (1 − terminated_t) V(s'_t) − V(s_t)
///     Â_t = δ_t + γ λ (1 − ended_t) Â_{t+1},     Â after a segment's last step = 0
///
/// with s'_t the observation after step t (at a truncation the true final observation, so a time
/// limit bootstraps from V(s'_t) and only termination stops bootstrapping; Stable-Baselines3 gets the
/// same δ by adding γ V(final observation) to a truncated step's reward), and ended_t = terminated_t
/// or truncated_t (the next row belongs to another episode). A segment cut by the rollout's end
/// bootstraps from V(s'_t) in δ. λ = 1 gives the discounted reward-to-go minus V(s_t) (REINFORCE
/// with a baseline); the λ-return is Â_t + V(s_t).
public enum GeneralizedAdvantageEstimation {
    /// Advantages of `rewards.count` rows in `segments` equal segments.
    public static func advantages(rewards: [Float], values: [Double], nextValues: [Double], terminated: [Bool], truncated: [Bool],
                                  segments: Int, discount: Double, lambda: Double) -> [Double] {
        let count = rewards.count
        precondition(segments > 0 && count % segments == 0, "\(count) rows do not split into \(segments) equal segments")
        precondition([values.count, nextValues.count, terminated.count, truncated.count].allSatisfy { $0 == count })
        let length = count / segments
        var advantages = [Double](repeating: 0, count: count)
        for segment in 0..<segments {
            var following = 0.0  // Â_{t+1}
            for t in stride(from: (segment + 1) * length - 1, through: segment * length, by: -1) {
                let bootstrap = terminated[t] ? 0 : discount * nextValues[t]
                let delta = Double(rewards[t]) + bootstrap - values[t]
                let ended = terminated[t] || truncated[t]
                following = delta + (ended ? 0 : discount * lambda * following)
                advantages[t] = following
            }
        }
        return advantages
    }
}
