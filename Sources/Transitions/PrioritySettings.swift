/// How a prioritized sampler turns stored priorities into sampling probabilities and importance weights
/// (Schaul et al. 2016, proportional variant).
///
/// A live transition i with stored priority p_i (its last |δ|, or the maximum priority when it was
/// appended) is drawn with probability P(i) = q_i / Σ_j q_j, where q_i = (p_i + ε + b_i)^α and b_i is
/// `demonstrationBonus` for a demonstration and 0 otherwise (DQfD's ε_d). Its importance weight is
/// w_i = (N·P(i))^−β / max_j (N·P(j))^−β = (q_i / min_j q_j)^−β, so the largest weight is 1.
public struct PrioritySettings: Codable, Equatable, Sendable {
    /// How strongly priorities shape the distribution: 0 is uniform. Schaul et al.'s proportional variant: 0.6.
    public var alpha: Double
    /// How much of the bias the importance weights correct: 1 corrects all of it. Schaul et al. anneal it from 0.4 to 1.
    public var beta: Double
    /// Added to every priority so that a transition with |δ| = 0 is still drawn. Must be positive.
    public var epsilon: Double
    /// Added to the priority of every demonstration (DQfD's ε_d; 0 turns it off). Must be non-negative.
    public var demonstrationBonus: Double

    public init(alpha: Double = 0.6, beta: Double = 0.4, epsilon: Double = 1e-6, demonstrationBonus: Double = 0) {
        self.alpha = alpha
        self.beta = beta
        self.epsilon = epsilon
        self.demonstrationBonus = demonstrationBonus
    }

    /// One sentence naming the first setting out of range, or nil when all are usable.
    public var problem: String? {
        if !(alpha.isFinite && alpha >= 0) { return "the priority exponent alpha must be a finite number ≥ 0, got \(alpha)" }
        if !(beta >= 0 && beta <= 1) { return "the importance-weight exponent beta must lie in [0, 1], got \(beta)" }
        if !(epsilon.isFinite && epsilon > 0) { return "the priority epsilon must be a finite number > 0, got \(epsilon)" }
        if !(demonstrationBonus.isFinite && demonstrationBonus >= 0) {
            return "the demonstration priority bonus must be a finite number ≥ 0, got \(demonstrationBonus)"
        }
        return nil
    }
}
