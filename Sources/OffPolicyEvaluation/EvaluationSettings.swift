/// What `PolicyEvaluation.run` estimates, and how.
public struct EvaluationSettings: Codable, Equatable, Sendable {
    /// The estimators to compute, in this order.
    public var estimators: [Estimator] = Estimator.allCases
    /// γ of the discounted return being estimated.
    public var discount: Double = 0.99
    /// Clip C of each per-step ratio (ρ̃_t = min(ρ_t, C)); nil: no clip.
    public var clip: Double? = nil
    /// Evaluate the policy's deterministic action instead of its stochastic policy π (FQE only).
    public var deterministic = false
    public var fqe = FQEConfig()
    /// Bootstrap resamples of the episodes for each 95% interval.
    public var bootstrapResamples = 1000
    /// Seeds FQE's network, its batches and sampled actions, and the bootstrap.
    public var seed: UInt64 = 0

    public init() {}
}
