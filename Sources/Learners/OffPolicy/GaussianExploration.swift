import Foundation
import Randomness

/// Gaussian exploration for deterministic policies (TD3, DDPG), applied as Stable-Baselines3 does:
/// a = clip(μ(s) + N(0, σ²), −1, 1) in the network's [−1, 1] units.
enum GaussianExploration {
    /// Perturbs `action` (network units) in place. Returns log N(a; μ(s), σ²) in network units, or NaN
    /// when a coordinate was clipped (the clipped action has probability mass, not density) or σ = 0.
    static func perturb(_ action: UnsafeMutablePointer<Float>, count: Int, standardDeviation sigma: Float,
                        using generator: inout SeededGenerator) -> Float {
        guard sigma > 0 else { return .nan }
        var logDensity: Float = 0
        var clipped = false
        let halfLogTwoPi = Float(0.5 * log(2 * Double.pi))
        for j in 0..<count {
            let z = Float(generator.nextGaussian())
            let value = action[j] + sigma * z
            clipped = clipped || value < -1 || value > 1
            action[j] = min(max(value, -1), 1)
            logDensity += -0.5 * z * z - log(sigma) - halfLogTwoPi
        }
        return clipped ? .nan : logDensity
    }
}
