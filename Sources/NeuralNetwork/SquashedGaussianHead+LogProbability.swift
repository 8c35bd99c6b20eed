import Foundation

/// The head's log-density at given actions (a logged action rather than a fresh sample), and its
/// gradient with respect to the raw output [μ | ℓ]: what importance weights and score-function
/// (REINFORCE-style) gradients need.
///
/// For a network-unit action a ∈ [−1, 1]ᴬ (Float), with ℓ clamped to [−20, 2] as in `sample`,
///
///     log π(a|s) = Σⱼ [ −½ ((uⱼ − μⱼ)/σⱼ)² − ℓⱼ − ½ log 2π ] − Σⱼ log(1 − aⱼ² + 10⁻⁶),
///
/// SB3's and CleanRL's form of eq. 21 of Haarnoja et al. 2018, the one `sample` reports (see
/// `SquashedGaussianHead`). The Jacobian term is finite for every |a| ≤ 1, so it needs no clamp (|a| > 1,
/// possible only from rounding in an action-scale conversion, counts as |a| = 1).
///
/// **Which u.** Inside (|a| < 1 in Float) u = atanh(a), in Double. At a **saturated** action, a = ±1 in
/// Float, atanh is infinite, and the action tells only that u lies beyond the edge of the Float range:
/// tanh(u) rounds to 1 exactly for u ≥ `saturationEdge` = atanh(1 − 2⁻²⁵) ≈ 9.01. There u is taken as
///
///     u* = ±max(saturationEdge, ±μ),
///
/// the most likely u among those that round to the action (the mode of N(μ, σ²) restricted to them).
/// Why this choice:
/// - `sample` uses the same u* for its saturated samples, so both paths give the same log π at every
///   action the policy produces, saturated or not (inside, up to the rounding of a to Float);
/// - log π at a saturated sample is never below the exact value from ε (u* is the most likely point), so
///   saturating cannot buy an entropy bonus; with μ beyond the edge (a trained policy that saturates)
///   the value is −ℓ − ½ log 2π + 13.8 per coordinate and its gradient is SB3's (∂μ = 0, ∂ℓ = −1);
/// - it is continuous in μ and finite, and its gradient is the derivative of the value (the
///   finite-difference checks hold through it).
/// The former clamp |a| ≤ 1 − 10⁻⁶ is gone: it changed log π of every action with |u| > 7.25.
///
/// The arithmetic runs in Double per coordinate and is rounded to Float once per row.
extension SquashedGaussianHead {
    /// The 10⁻⁶ inside log(1 − a² + 10⁻⁶) (SB3's `epsilon`, CleanRL's `1e-6`).
    public static let squashEpsilon: Double = 1e-6

    /// atanh(1 − 2⁻²⁵): the smallest u whose tanh rounds to 1 in Float, the edge of a saturated action's
    /// pre-image.
    public static let saturationEdge: Double = Foundation.atanh(1 - 0x1p-25)

    /// log π(a|s) in network units for `rows` rows: `raw` is rows × 2A ([μ | ℓ] per row), `actions`
    /// rows × A in [−1, 1] (see above for ±1), `logProbabilities` rows values.
    /// Stateless: reads and writes none of the head's workspaces.
    public func logProbabilities(raw: UnsafePointer<Float>, actions: UnsafePointer<Float>, rows: Int,
                                 into logProbabilities: UnsafeMutablePointer<Float>) {
        let n = actionSize
        let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            var sum: Double = 0
            for j in 0..<n {
                let action = actions[r * n + j]
                let l = min(max(logStd[j], Self.logStandardDeviationMinimum), Self.logStandardDeviationMaximum)
                let gaussian: Double
                if Self.isSaturated(action) {
                    gaussian = Self.saturatedGaussianLogDensity(action: action, mean: mean[j], logStandardDeviation: l)
                } else {
                    let z = (Foundation.atanh(Double(action)) - Double(mean[j])) / Foundation.exp(Double(l))
                    gaussian = -0.5 * z * z - Double(l) - halfLogTwoPi
                }
                sum += gaussian - Self.logSquashJacobian(action)
            }
            logProbabilities[r] = Float(sum)
        }
    }

    /// ∂/∂raw of Σ_rows weightᵣ · log π(aᵣ|sᵣ) at fixed actions, written (not added) into `rawGradient`
    /// (rows × 2A):
    ///
    ///     ∂log π/∂μⱼ = (uⱼ − μⱼ)/σⱼ²,    ∂log π/∂ℓⱼ = ((uⱼ − μⱼ)/σⱼ)² − 1   (0 where the clamp of ℓ is active),
    ///
    /// with u = u* at a saturated coordinate (where u* = μ the first is 0, the derivative of the value).
    /// The tanh Jacobian depends on a only, so it has no gradient here.
    public func logProbabilityGradient(raw: UnsafePointer<Float>, actions: UnsafePointer<Float>, rows: Int,
                                       weights: UnsafePointer<Float>, into rawGradient: UnsafeMutablePointer<Float>) {
        let n = actionSize
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            let meanGradient = rawGradient + r * 2 * n, logStdGradient = meanGradient + n
            let weight = Double(weights[r])
            for j in 0..<n {
                let u = Self.preSquash(actions[r * n + j], mean: mean[j])
                let l = Self.clampedLogStandardDeviation(logStd[j])
                let sigma = Foundation.exp(l)
                let z = (u - Double(mean[j])) / sigma
                meanGradient[j] = Float(weight * z / sigma)
                let inside = logStd[j] >= Self.logStandardDeviationMinimum && logStd[j] <= Self.logStandardDeviationMaximum
                logStdGradient[j] = inside ? Float(weight * (z * z - 1)) : 0
            }
        }
    }

    /// a = ±1 (or beyond) in Float: tanh(u) has rounded to the edge and u is not recoverable.
    @inline(__always)
    static func isSaturated(_ action: Float) -> Bool { abs(action) >= 1 }

    /// The u the densities use: atanh(a) inside, u* = ±max(`saturationEdge`, ±μ) at a saturated action.
    @inline(__always)
    static func preSquash(_ action: Float, mean: Float) -> Double {
        isSaturated(action) ? saturatedPreSquash(action: action, mean: mean) : Foundation.atanh(Double(action))
    }

    /// u* = ±max(`saturationEdge`, ±μ) for a = ±1.
    @inline(__always)
    static func saturatedPreSquash(action: Float, mean: Float) -> Double {
        action > 0 ? max(saturationEdge, Double(mean)) : min(-saturationEdge, Double(mean))
    }

    /// −½ z*² − ℓ − ½ log 2π, z* = (u* − μ)/σ, for a saturated coordinate; `logStandardDeviation` is clamped.
    @inline(__always)
    static func saturatedGaussianLogDensity(action: Float, mean: Float, logStandardDeviation l: Float) -> Double {
        let z = (saturatedPreSquash(action: action, mean: mean) - Double(mean)) / Foundation.exp(Double(l))
        return -0.5 * z * z - Double(l) - 0.5 * Foundation.log(2 * Double.pi)
    }

    /// log(1 − a² + 10⁻⁶) for a network-unit action (|a| > 1 counts as 1): SB3's tanh correction.
    @inline(__always)
    static func logSquashJacobian(_ action: Float) -> Double {
        let square = min(Double(action) * Double(action), 1)
        return Foundation.log(1 - square + squashEpsilon)
    }

    /// d/du of −log(1 − tanh² u + 10⁻⁶) in terms of a = tanh u: 2a(1 − a²)/(1 − a² + 10⁻⁶), in Double
    /// from the Float action (the value `logSquashJacobian` takes). 0 at a saturated action.
    @inline(__always)
    static func squashCorrectionDerivative(_ a: Double) -> Double {
        let oneMinusSquare = max(1 - a * a, 0)
        return 2 * a * oneMinusSquare / (oneMinusSquare + squashEpsilon)
    }

    @inline(__always)
    static func clampedLogStandardDeviation(_ value: Float) -> Double {
        Double(min(max(value, logStandardDeviationMinimum), logStandardDeviationMaximum))
    }
}
