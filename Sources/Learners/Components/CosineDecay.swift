import Foundation

/// A learning rate that falls from its initial value to 0 along half a cosine over `steps` optimiser
/// steps, then stays at 0: optax's `cosine_decay_schedule(init_value, decay_steps)` (alpha 0), which the IQL
/// authors' code applies to the actor (Kostrikov et al. 2021):
///
///     lr(t) = lr₀ · ½ (1 + cos(π · min(t, T) / T)),   t = steps taken before this one.
public struct CosineDecay: Codable, Equatable, Sendable {
    /// T, the steps over which the rate falls to 0.
    public var steps: Int

    public init(steps: Int) { self.steps = steps }

    /// The rate of the step that follows `taken` steps.
    public func learningRate(initial: Double, afterSteps taken: Int) -> Double {
        let fraction = Double(min(taken, steps)) / Double(steps)
        return initial * 0.5 * (1 + cos(Double.pi * fraction))
    }
}
