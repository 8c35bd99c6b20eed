import Foundation
import Randomness

/// The tanh-squashed diagonal Gaussian policy head of SAC (Haarnoja et al. 2018, appendix C).
///
/// Its input is a network's raw output row [μ₁…μ_A, ℓ₁…ℓ_A] (mean, then log standard deviation).
/// With ℓ clamped to [−20, 2] as Stable-Baselines3 does, σ = exp(ℓ) and ε ~ N(0, I), a sample is
///
///     u = μ + σ ⊙ ε   (reparameterisation),     a = tanh(u) ∈ (−1, 1)ᴬ
///
/// and its log-density over a (eq. 21 of the paper, in the form Stable-Baselines3 and CleanRL compute) is
///
///     log π(a|s) = Σⱼ [ −½ εⱼ² − ℓⱼ − ½ log 2π ] − Σⱼ log(1 − aⱼ² + 10⁻⁶),      aⱼ = tanh uⱼ in Float.
///
/// **Why this form (issue 15).** The exact Jacobian term −log(1 − tanh² u) grows without bound as the
/// policy saturates (about 2|u| − 1.39); the 10⁻⁶ inside the logarithm caps it at −log 10⁻⁶ ≈ 13.8 per
/// coordinate, as SB3's `SquashedDiagGaussianDistribution` and CleanRL's `sac_continuous_action` do.
/// Measured on HalfCheetah (README), SB3's form closes our gap to SB3; it is used in every path that
/// computes log π: here, `backward` (∂/∂u of the term is 2a(1 − a²)/(1 − a² + 10⁻⁶)), and log π at logged
/// actions (`logProbabilities(raw:actions:rows:into:)`), so the two agree.
///
/// **Saturated coordinates.** Where tanh(u) rounds to ±1 in Float (|u| ≳ 9), the action no longer tells
/// u: the logged-action path cannot invert it. For such a coordinate both paths evaluate the Gaussian
/// factor at u* = ±max(`saturationEdge`, ±μ), the most likely u among those that round to that action
/// (see `SquashedGaussianHead+LogProbability.swift`), so log π of a saturated sample is the same function
/// of (μ, ℓ, a) in both paths; `backward` differentiates that same value.
/// The density over environment actions subtracts `ActionScale.logJacobian` from this.
///
/// Workspaces are reused between calls; results stay valid until the next call.
public final class SquashedGaussianHead {
    public static let logStandardDeviationMinimum: Float = -20
    public static let logStandardDeviationMaximum: Float = 2

    public let actionSize: Int
    public private(set) var rowCapacity = 0
    /// rows × actionSize: tanh(u) from the last call.
    public private(set) var actions = FloatBuffer(count: 0)
    /// rows: log π(a|s) from the last `sample` call (network units).
    public private(set) var logProbabilities = FloatBuffer(count: 0)
    /// rows × actionSize: the ε of the last `sample` call.
    public private(set) var noise = FloatBuffer(count: 0)
    private var standardDeviations = FloatBuffer(count: 0)

    public init(actionSize: Int) {
        precondition(actionSize > 0)
        self.actionSize = actionSize
    }

    /// The width of the raw input a head needs: mean and log standard deviation.
    public var inputSize: Int { 2 * actionSize }

    public func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        actions = FloatBuffer(count: rows * actionSize)
        logProbabilities = FloatBuffer(count: rows)
        noise = FloatBuffer(count: rows * actionSize)
        standardDeviations = FloatBuffer(count: rows * actionSize)
        rowCapacity = rows
    }

    /// Samples a = tanh(μ + σ ε) for every row, drawing ε from `generator`; fills `actions`,
    /// `logProbabilities` and `noise`.
    public func sample(raw: UnsafePointer<Float>, rows: Int, using generator: inout SeededGenerator) {
        reserveRows(rows)
        generator.fillGaussian(UnsafeMutableBufferPointer(start: noise.base, count: rows * actionSize))
        sampleWithCurrentNoise(raw: raw, rows: rows)
    }

    /// Like `sample`, with ε given (rows × actionSize) instead of drawn.
    public func sample(raw: UnsafePointer<Float>, rows: Int, noise given: UnsafePointer<Float>) {
        reserveRows(rows)
        noise.base.update(from: given, count: rows * actionSize)
        sampleWithCurrentNoise(raw: raw, rows: rows)
    }

    private func sampleWithCurrentNoise(raw: UnsafePointer<Float>, rows: Int) {
        let n = actionSize
        let a = actions.base, e = noise.base, s = standardDeviations.base, logp = logProbabilities.base
        let halfLogTwoPi = 0.5 * Foundation.log(2 * Double.pi)
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            var sum: Double = 0
            for j in 0..<n {
                let i = r * n + j
                let l = min(max(logStd[j], Self.logStandardDeviationMinimum), Self.logStandardDeviationMaximum)
                let sigma = Foundation.exp(l)
                let u = mean[j] + sigma * e[i]
                s[i] = sigma
                a[i] = Foundation.tanh(u)
                // The Gaussian factor: exact from ε inside, the saturated convention on the edge.
                let gaussian = Self.isSaturated(a[i])
                    ? Self.saturatedGaussianLogDensity(action: a[i], mean: mean[j], logStandardDeviation: l)
                    : -0.5 * Double(e[i]) * Double(e[i]) - Double(l) - halfLogTwoPi
                sum += gaussian - Self.logSquashJacobian(a[i])
            }
            logp[r] = Float(sum)
        }
    }

    /// The deterministic (evaluation) action tanh(μ) for every row, into `actions`.
    public func mode(raw: UnsafePointer<Float>, rows: Int) {
        reserveRows(rows)
        let n = actionSize
        for r in 0..<rows {
            for j in 0..<n { actions.base[r * n + j] = Foundation.tanh(raw[r * 2 * n + j]) }
        }
    }

    /// Backpropagates L = Σ ∂L/∂a · a + logProbabilityWeight · Σ_rows log π through the last `sample`:
    /// writes ∂L/∂raw (rows × 2·actionSize) into `rawGradient`.
    ///
    /// With ε held fixed, ∂u/∂μ = 1, ∂u/∂ℓ = σε, ∂a/∂u = 1 − a², ∂log π/∂u = 2a(1 − a²)/(1 − a² + 10⁻⁶)
    /// (the derivative of −log(1 − tanh² u + 10⁻⁶)) and ∂log π/∂ℓ|_u = −1. At a saturated coordinate
    /// (a = ±1 in Float) ∂a/∂u = 0 and the Gaussian factor is log N(u*; μ, σ) at the fixed u* (see the type's
    /// notes): ∂log π/∂μ = z*/σ and ∂log π/∂ℓ = z*² − 1, z* = (u* − μ)/σ. ℓ's gradient is zero where the clamp
    /// of ℓ is active.
    public func backward(
        raw: UnsafePointer<Float>, rows: Int, actionGradient: UnsafePointer<Float>,
        logProbabilityWeight c: Float, into rawGradient: UnsafeMutablePointer<Float>
    ) {
        let n = actionSize
        let a = actions.base, e = noise.base, s = standardDeviations.base
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            let meanGradient = rawGradient + r * 2 * n, logStdGradient = meanGradient + n
            for j in 0..<n {
                let i = r * n + j
                let inside = logStd[j] >= Self.logStandardDeviationMinimum && logStd[j] <= Self.logStandardDeviationMaximum
                if Self.isSaturated(a[i]) {
                    let sigma = Foundation.exp(Self.clampedLogStandardDeviation(logStd[j]))
                    let z = (Self.saturatedPreSquash(action: a[i], mean: mean[j]) - Double(mean[j])) / sigma
                    meanGradient[j] = Float(Double(c) * z / sigma)
                    logStdGradient[j] = inside ? Float(Double(c) * (z * z - 1)) : 0
                    continue
                }
                let gu = actionGradient[i] * (1 - a[i] * a[i]) + c * Float(Self.squashCorrectionDerivative(Double(a[i])))
                meanGradient[j] = gu
                logStdGradient[j] = inside ? gu * s[i] * e[i] - c : 0
            }
        }
    }
}
