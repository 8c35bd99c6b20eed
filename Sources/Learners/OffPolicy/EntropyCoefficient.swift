/// SAC's temperature α, which weighs the entropy bonus against the reward.
public enum EntropyCoefficient: Codable, Equatable, Sendable {
    /// α is learned by minimising the temperature loss (automatic entropy tuning), starting from
    /// `initial`. Stable-Baselines3's `ent_coef="auto"` starts at 1.
    case learned(initial: Double)
    /// α stays at this value.
    case fixed(Double)
}
