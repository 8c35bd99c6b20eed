import Foundation

/// The Gaussian policy of the on-policy learners: a ~ N(μ(s), diag σ²) with a state-independent
/// log σ (one learned value per action component), over environment units, not squashed
/// (Stable-Baselines3's `DiagGaussianDistribution`). The action sent to the environment is clipped to
/// the box; the log-density is that of the unclipped sample, which is also what the store keeps.
///
///     log π(a|s) = Σⱼ −½ ((aⱼ − μⱼ)/σⱼ)² − log σⱼ − ½ log 2π
///     ∂/∂μⱼ = (aⱼ − μⱼ)/σⱼ²,     ∂/∂log σⱼ = ((aⱼ − μⱼ)/σⱼ)² − 1
///     H = Σⱼ log σⱼ + ½ (1 + log 2π),     ∂H/∂log σⱼ = 1
public enum DiagonalGaussian {
    static let halfLogTwoPi = 0.5 * log(2 * Double.pi)

    /// log π(a|s) of each of `rows` rows; `means` and `actions` are rows × n, `logStd` n values.
    public static func logProbabilities(means: UnsafePointer<Float>, logStd: UnsafePointer<Float>, actions: UnsafePointer<Float>,
                                        rows: Int, actionSize n: Int, into result: UnsafeMutablePointer<Double>) {
        for r in 0..<rows {
            var sum = 0.0
            for j in 0..<n {
                let z = (Double(actions[r * n + j]) - Double(means[r * n + j])) / exp(Double(logStd[j]))
                sum += -0.5 * z * z - Double(logStd[j]) - halfLogTwoPi
            }
            result[r] = sum
        }
    }

    /// Adds w_r · ∂ log π(a_r|s_r)/∂μ to row r of `meanGradient` (rows × n) and Σ_r w_r · ∂ log π/∂log σ
    /// to `logStdGradient` (n), for weights `weights` (rows).
    public static func addLogProbabilityGradient(means: UnsafePointer<Float>, logStd: UnsafePointer<Float>, actions: UnsafePointer<Float>,
                                                 weights: UnsafePointer<Double>, rows: Int, actionSize n: Int,
                                                 meanGradient: UnsafeMutablePointer<Float>, logStdGradient: UnsafeMutablePointer<Float>) {
        for j in 0..<n {
            let variance = exp(2 * Double(logStd[j]))
            var logStdSum = 0.0
            for r in 0..<rows {
                let difference = Double(actions[r * n + j]) - Double(means[r * n + j])
                meanGradient[r * n + j] += Float(weights[r] * difference / variance)
                logStdSum += weights[r] * (difference * difference / variance - 1)
            }
            logStdGradient[j] += Float(logStdSum)
        }
    }

    /// The entropy of N(·, diag σ²), the same for every state.
    public static func entropy(logStd: UnsafePointer<Float>, actionSize n: Int) -> Double {
        (0..<n).reduce(0.0) { $0 + Double(logStd[$1]) + 0.5 + halfLogTwoPi }
    }
}
