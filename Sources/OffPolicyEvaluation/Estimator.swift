/// The off-policy estimators of a policy's expected discounted return from the dataset's start states.
public enum Estimator: String, Codable, CaseIterable, Sendable {
    case importanceSampling = "is"
    case weightedImportanceSampling = "wis"
    case perDecisionImportanceSampling = "pdis"
    case weightedPerDecisionImportanceSampling = "wpdis"
    case fittedQEvaluation = "fqe"
    case doublyRobust = "dr"
    case weightedDoublyRobust = "wdr"

    /// Whether the estimate needs importance ratios π/μ (all but FQE).
    public var needsImportanceRatios: Bool { self != .fittedQEvaluation }

    /// Whether the estimate needs the fitted Q-function (FQE, DR, WDR).
    public var needsFittedQ: Bool { self == .fittedQEvaluation || self == .doublyRobust || self == .weightedDoublyRobust }

    /// Whether the weights are self-normalised.
    public var isWeighted: Bool {
        self == .weightedImportanceSampling || self == .weightedPerDecisionImportanceSampling || self == .weightedDoublyRobust
    }

    /// Whether the weights are per decision (ρ₀…ρ_t at step t) rather than one weight per trajectory.
    public var isPerDecision: Bool {
        self == .perDecisionImportanceSampling || self == .weightedPerDecisionImportanceSampling
            || self == .doublyRobust || self == .weightedDoublyRobust
    }

    /// One line: what the estimate is, and the paper it comes from.
    public var summary: String {
        switch self {
        case .importanceSampling: "trajectory-wise importance sampling: mean of Σ_t γ^t r_t times the episode's product of π/μ (Precup, Sutton & Singh 2000)"
        case .weightedImportanceSampling: "IS self-normalised by the mean trajectory weight: biased, consistent, lower variance (Precup et al. 2000)"
        case .perDecisionImportanceSampling: "per-decision IS: Σ_t γ^t r_t weighted by the product of π/μ up to step t only (Precup et al. 2000)"
        case .weightedPerDecisionImportanceSampling: "per-decision IS with the weights at each step normalised by their mean over episodes (Thomas 2015)"
        case .fittedQEvaluation: "fitted Q evaluation: regress Q on r + γ E_π Q̄(s', a'), report mean V̂(s₀) (Le, Voloshin & Yue 2019)"
        case .doublyRobust: "doubly robust: per-decision IS of the FQE model's residuals plus its values (Jiang & Li 2016)"
        case .weightedDoublyRobust: "doubly robust with self-normalised per-decision weights (Thomas & Brunskill 2016)"
        }
    }
}
