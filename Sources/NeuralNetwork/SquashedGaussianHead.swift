import Foundation
import Randomness

/// The tanh-squashed diagonal Gaussian policy head of SAC (Haarnoja et al. 2018, appendix C).
///
/// Its input is a network's raw output row [μ₁…μ_A, ℓ₁…ℓ_A] (mean, then log standard deviation).
/// With ℓ clamped to [−20, 2] as Stable-Baselines3 does, σ = exp(ℓ) and ε ~ N(0, I), a sample is
///
///     u = μ + σ ⊙ ε   (reparameterisation),     a = tanh(u) ∈ (−1, 1)ᴬ
///
/// and its log-density over a (eq. 21 of the paper) is
///
///     log π(a|s) = Σⱼ [ −½ εⱼ² − ℓⱼ − ½ log 2π ] − Σⱼ log(1 − tanh² uⱼ),
///
/// with log(1 − tanh² u) = 2 (log 2 − u − softplus(−2u)) for accuracy at large |u|.
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
        let halfLogTwoPi = Float(0.5 * log(2 * Double.pi))
        let logTwo = Float(M_LN2)
        for r in 0..<rows {
            let mean = raw + r * 2 * n, logStd = mean + n
            var sum: Float = 0
            for j in 0..<n {
                let i = r * n + j
                let l = min(max(logStd[j], Self.logStandardDeviationMinimum), Self.logStandardDeviationMaximum)
                let sigma = Foundation.exp(l)
                let u = mean[j] + sigma * e[i]
                let x = -2 * u
                let softplus = max(x, 0) + Foundation.log1p(Foundation.exp(-abs(x)))
                s[i] = sigma
                a[i] = Foundation.tanh(u)
                sum += -0.5 * e[i] * e[i] - l - halfLogTwoPi - 2 * (logTwo - u - softplus)
            }
            logp[r] = sum
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
    /// With ε held fixed, ∂u/∂μ = 1, ∂u/∂ℓ = σε, ∂a/∂u = 1 − a², ∂log π/∂u = 2a and ∂log π/∂ℓ|_u = −1;
    /// ℓ's gradient is zero where the clamp is active.
    public func backward(
        raw: UnsafePointer<Float>, rows: Int, actionGradient: UnsafePointer<Float>,
        logProbabilityWeight c: Float, into rawGradient: UnsafeMutablePointer<Float>
    ) {
        let n = actionSize
        let a = actions.base, e = noise.base, s = standardDeviations.base
        for r in 0..<rows {
            let logStd = raw + r * 2 * n + n
            let meanGradient = rawGradient + r * 2 * n, logStdGradient = meanGradient + n
            for j in 0..<n {
                let i = r * n + j
                let gu = actionGradient[i] * (1 - a[i] * a[i]) + c * 2 * a[i]
                meanGradient[j] = gu
                let inside = logStd[j] >= Self.logStandardDeviationMinimum && logStd[j] <= Self.logStandardDeviationMaximum
                logStdGradient[j] = inside ? gu * s[i] * e[i] - c : 0
            }
        }
    }
}
