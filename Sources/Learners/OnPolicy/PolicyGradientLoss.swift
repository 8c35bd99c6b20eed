/// The score-function policy loss of REINFORCE (Williams 1992) and A2C (Mnih et al. 2016, algorithm S3):
///
///     L = −(1/N) Σ_r Â_r · log π(a_r|s_r)
///
/// with the advantages Â held fixed (REINFORCE: reward-to-go minus the baseline V(s); A2C: GAE(λ);
/// A2C's V-trace replay: the V-trace policy-gradient advantage).
enum PolicyGradientLoss {
    /// Returns L and adds ∂L/∂μ (rows × n) and ∂L/∂log σ (n).
    static func lossAndGradient(means: UnsafePointer<Float>, logStd: UnsafePointer<Float>, actions: UnsafePointer<Float>,
                                advantages: UnsafePointer<Double>, rows: Int, actionSize n: Int,
                                meanGradient: UnsafeMutablePointer<Float>, logStdGradient: UnsafeMutablePointer<Float>) -> Double {
        var logProbabilities = [Double](repeating: 0, count: rows)
        DiagonalGaussian.logProbabilities(means: means, logStd: logStd, actions: actions, rows: rows, actionSize: n, into: &logProbabilities)
        var loss = 0.0
        var weights = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            loss -= advantages[r] * logProbabilities[r]
            weights[r] = -advantages[r] / Double(rows)
        }
        DiagonalGaussian.addLogProbabilityGradient(means: means, logStd: logStd, actions: actions, weights: weights, rows: rows,
                                                   actionSize: n, meanGradient: meanGradient, logStdGradient: logStdGradient)
        return loss / Double(rows)
    }
}
