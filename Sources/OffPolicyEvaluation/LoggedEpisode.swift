/// One logged episode as the importance-sampling estimators see it: per step t its reward r_t and its
/// log importance ratio log ρ_t = log π(a_t|s_t) − log μ(a_t|s_t), and how its last recorded step ended.
public struct LoggedEpisode: Equatable, Sendable {
    public var rewards: [Double]
    /// log ρ_t; +∞ or −∞ are allowed (ρ_t = ∞ or 0), NaN is not.
    public var logRatios: [Double]
    public var end: EpisodeEnd

    public init(rewards: [Double], logRatios: [Double], end: EpisodeEnd) {
        precondition(rewards.count == logRatios.count, "an episode needs one log-ratio per reward")
        precondition(!rewards.isEmpty, "an episode has at least one step")
        self.rewards = rewards
        self.logRatios = logRatios
        self.end = end
    }

    public var length: Int { rewards.count }
}
