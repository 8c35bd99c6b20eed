import Foundation

/// PPO's clipped surrogate objective (Schulman et al. 2017, eq. 7), as a loss to minimise:
///
///     ρ_r = exp(log π(a_r|s_r) − log π_old(a_r|s_r))
///     L = −(1/N) Σ_r min(ρ_r Â_r, clip(ρ_r, 1 − ε, 1 + ε) Â_r)
///
/// Where the clipped term is the smaller one, it is constant in θ and contributes no gradient;
/// elsewhere ∂L/∂log π = −ρ Â / N.
enum ClippedSurrogateLoss {
    struct Result {
        var loss: Double
        /// mean((ρ − 1) − log ρ), the KL estimate Stable-Baselines3 and CleanRL report.
        var approximateKL: Double
        /// The share of rows with |ρ − 1| > ε.
        var clipFraction: Double
    }

    /// Returns the loss and diagnostics; adds ∂L/∂μ (rows × n) and ∂L/∂log σ (n).
    static func lossAndGradient(means: UnsafePointer<Float>, logStd: UnsafePointer<Float>, actions: UnsafePointer<Float>,
                                advantages: UnsafePointer<Double>, oldLogProbabilities: UnsafePointer<Double>, clipRange: Double,
                                rows: Int, actionSize n: Int,
                                meanGradient: UnsafeMutablePointer<Float>, logStdGradient: UnsafeMutablePointer<Float>) -> Result {
        var logProbabilities = [Double](repeating: 0, count: rows)
        DiagonalGaussian.logProbabilities(means: means, logStd: logStd, actions: actions, rows: rows, actionSize: n, into: &logProbabilities)
        var result = Result(loss: 0, approximateKL: 0, clipFraction: 0)
        var weights = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            let logRatio = logProbabilities[r] - oldLogProbabilities[r]
            let ratio = exp(logRatio)
            let unclipped = ratio * advantages[r]
            let clipped = min(max(ratio, 1 - clipRange), 1 + clipRange) * advantages[r]
            result.loss -= min(unclipped, clipped)
            if unclipped <= clipped { weights[r] = -unclipped / Double(rows) }
            result.approximateKL += (ratio - 1) - logRatio
            if abs(ratio - 1) > clipRange { result.clipFraction += 1 }
        }
        DiagonalGaussian.addLogProbabilityGradient(means: means, logStd: logStd, actions: actions, weights: weights, rows: rows,
                                                   actionSize: n, meanGradient: meanGradient, logStdGradient: logStdGradient)
        result.loss /= Double(rows)
        result.approximateKL /= Double(rows)
        result.clipFraction /= Double(rows)
        return result
    }
}
