/// Everything one evaluation found: the estimates, what was skipped and why, and the settings and data
/// sizes behind them (what `offpolicy ope --json` prints).
public struct EvaluationReport: Codable, Equatable, Sendable {
    public var policy: String
    public var dataset: String
    public var episodes: Int
    /// Logged steps over all episodes (what the importance-sampling estimators use).
    public var steps: Int
    /// Transitions FQE trained on (steps without a known next observation are left out).
    public var fqeTransitions: Int?
    public var fqeUpdates: Int?
    /// Mean regression loss of FQE's last 100 updates.
    public var fqeFinalLoss: Double?
    /// Episodes whose last step is terminated, truncated (time limit) or neither.
    public var terminatedEpisodes: Int
    public var truncatedEpisodes: Int
    public var unfinishedEpisodes: Int
    public var settings: EvaluationSettings
    /// "stochastic" (π, the policy's sampling distribution) or "deterministic" (its deterministic action).
    public var targetPolicy: String
    public var estimates: [EstimateResult]
    public var skipped: [SkippedEstimator]
}
