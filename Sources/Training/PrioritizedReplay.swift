import Transitions

/// Prioritized experience replay for a run (Schaul et al. 2016, proportional variant): batches are drawn by
/// priority from the store, the critic loss is weighted by the importance weights, and the new priorities
/// (the mean of the critics' |δ|) are written back to the store after every update, durably. β is annealed
/// linearly from `beta` at the start to `betaFinal` at the run's last step; it is a function of the step
/// count, so a resumed run continues with the same β, and with the store's priorities.
public struct PrioritizedReplay: Codable, Equatable, Sendable {
    /// Priority exponent α. Schaul et al.'s proportional variant: 0.6.
    public var alpha: Double
    /// Importance-weight exponent β at the first update. Schaul et al.: 0.4.
    public var beta: Double
    /// β at the run's last step. Schaul et al.: 1.
    public var betaFinal: Double
    /// ε added to every |δ|. 1e-6 (Schaul et al. give only "a small positive constant").
    public var epsilon: Double

    public init(alpha: Double = 0.6, beta: Double = 0.4, betaFinal: Double = 1, epsilon: Double = 1e-6) {
        self.alpha = alpha
        self.beta = beta
        self.betaFinal = betaFinal
        self.epsilon = epsilon
    }

    /// β after `done` of `total` steps: beta + (betaFinal − beta) · min(1, done / total).
    public func beta(after done: Int, of total: Int) -> Double {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        return beta + (betaFinal - beta) * fraction
    }

    /// The sampler's settings after `done` of `total` steps.
    public func settings(after done: Int, of total: Int) -> PrioritySettings {
        PrioritySettings(alpha: alpha, beta: beta(after: done, of: total), epsilon: epsilon)
    }

    /// One sentence naming the first setting out of range, or nil.
    public var problem: String? {
        if let problem = PrioritySettings(alpha: alpha, beta: beta, epsilon: epsilon).problem { return problem }
        if !(betaFinal >= 0 && betaFinal <= 1) { return "the final importance-weight exponent beta must lie in [0, 1], got \(betaFinal)" }
        return nil
    }
}
