import Foundation

/// The head's log-density at given actions (a logged action rather than a fresh sample), and its
/// gradient with respect to the raw output [μ | ℓ]: what importance weights and score-function
/// (REINFORCE-style) gradients need.
///
/// For a network-unit action a ∈ (−1, 1)ᴬ the pre-squash value is u = atanh(a) and
///
///     log π(a|s) = Σⱼ [ −½ ((uⱼ − μⱼ)/σⱼ)² − ℓⱼ − ½ log 2π ] − Σⱼ log(1 − tanh² uⱼ),
///
/// the same density `sample` reports at its own samples (eq. 21 of Haarnoja et al. 2018), with ℓ
/// clamped to [−20, 2] as there.
///
/// **The clip.** A logged action can lie on the box's edge (a clipped exploration action, a dataset
/// row written at the bound), where atanh is infinite. Each coordinate is therefore clamped to
/// [−`atanhLimit`, `atanhLimit`] first, `atanhLimit` = 1 − 10⁻⁶, so |u| ≤ atanh(1 − 10⁻⁶) ≈ 7.25. At the
/// clip the tanh Jacobian term −log(1 − a²) is about 13.1 per coordinate: a large, finite density
/// instead of +∞. Every action `sample` can produce in Float lies within 6·10⁻⁸ of the clip or inside
/// it, so the clip changes log π only for actions the policy itself essentially never produces.
///
/// The arithmetic runs in Double per coordinate and is rounded to Float once per row.
extension SquashedGaussianHead {
    /// The largest |a| used for atanh: 1 − 10⁻⁶.
    public static let atanhLimit: Double = 1 - 1e-6

    /// log π(a|s) in network units for `rows` rows: `raw` is rows × 2A ([μ | ℓ] per row), `actions`
    /// rows × A in [−1, 1] (clamped as described above), `logProbabilities` rows values.
    /// Stateless: reads and writes none of the head's workspaces.
    public func logProbabilities(raw: UnsafePointer<Float>, actions: UnsafePointer<Float>, rows: Int,
                                 into logProbabilities: UnsafeMutablePointer<Float>) {
        let n = actionSize
        let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            var sum: Double = 0
            for j in 0..<n {
                let (u, l) = (Self.preSquash(actions[r * n + j]), Self.clampedLogStandardDeviation(logStd[j]))
                let z = (u - Double(mean[j])) / Foundation.exp(l)
                sum += -0.5 * z * z - l - halfLogTwoPi - Self.logOneMinusTanhSquared(u)
            }
            logProbabilities[r] = Float(sum)
        }
    }

    /// ∂/∂raw of Σ_rows weightᵣ · log π(aᵣ|sᵣ) at fixed actions, written (not added) into `rawGradient`
    /// (rows × 2A):
    ///
    ///     ∂log π/∂μⱼ = (uⱼ − μⱼ)/σⱼ²,    ∂log π/∂ℓⱼ = ((uⱼ − μⱼ)/σⱼ)² − 1   (0 where the clamp of ℓ is active).
    ///
    /// The tanh Jacobian depends on a only, so it has no gradient here.
    public func logProbabilityGradient(raw: UnsafePointer<Float>, actions: UnsafePointer<Float>, rows: Int,
                                       weights: UnsafePointer<Float>, into rawGradient: UnsafeMutablePointer<Float>) {
        let n = actionSize
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            let meanGradient = rawGradient + r * 2 * n, logStdGradient = meanGradient + n
            let weight = Double(weights[r])
            for j in 0..<n {
                let u = Self.preSquash(actions[r * n + j])
                let l = Self.clampedLogStandardDeviation(logStd[j])
                let sigma = Foundation.exp(l)
                let z = (u - Double(mean[j])) / sigma
                meanGradient[j] = Float(weight * z / sigma)
                let inside = logStd[j] >= Self.logStandardDeviationMinimum && logStd[j] <= Self.logStandardDeviationMaximum
                logStdGradient[j] = inside ? Float(weight * (z * z - 1)) : 0
            }
        }
    }

    /// u = atanh(a) with a clamped to ±`atanhLimit`.
    @inline(__always)
    static func preSquash(_ action: Float) -> Double {
        Foundation.atanh(min(max(Double(action), -atanhLimit), atanhLimit))
    }

    @inline(__always)
    static func clampedLogStandardDeviation(_ value: Float) -> Double {
        Double(min(max(value, logStandardDeviationMinimum), logStandardDeviationMaximum))
    }

    /// log(1 − tanh² u) = 2 (log 2 − u − softplus(−2u)), the form `sample` uses.
    @inline(__always)
    static func logOneMinusTanhSquared(_ u: Double) -> Double {
        let x = -2 * u
        let softplus = max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))
        return 2 * (M_LN2 - u - softplus)
    }
}
