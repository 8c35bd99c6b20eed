import Foundation
import NeuralNetwork
import Randomness

/// Generalized state-dependent exploration, gSDE (Raffin et al. 2021, "Smooth Exploration for Robotic
/// Reinforcement Learning"), as Stable-Baselines3's `StateDependentNoiseDistribution` defines it with
/// `full_std=True`, `use_expln=False`, `learn_features=False`.
///
/// The features φ(s) are the policy network's last hidden layer (k values), held constant: no gradient
/// flows from the noise into them. A learned matrix L (k × n, row-major) gives σ_{ja} = exp(L_{ja}), and
///
///     σ_a(s)² = Σ_j φ_j(s)² σ_{ja}² + ε,  ε = 1e-6,    π(·|s) = N(μ(s), diag σ(s)²)
///     ∂ log σ_a(s)/∂L_{ja} = φ_j(s)² σ_{ja}² / σ_a(s)²
///
/// Exploration draws a noise matrix W (k × n, W_{ja} ~ N(0, σ_{ja}²)) per environment copy, keeps it
/// for `sampleFrequency` lockstep steps, and acts a = μ(s) + φ(s)ᵀ W: the noise changes smoothly with
/// the state instead of independently at every step.
final class StateDependentNoise {
    static let varianceEpsilon = 1e-6

    let latentSize: Int
    let actionSize: Int
    /// Resample every this many lockstep steps of a rollout (and at its start); ≤ 0: at its start only.
    let sampleFrequency: Int
    /// W of each environment copy, copy-major, each k × n row-major.
    let matrices: FloatBuffer

    init(latentSize: Int, actionSize: Int, copies: Int, sampleFrequency: Int) {
        self.latentSize = latentSize
        self.actionSize = actionSize
        self.sampleFrequency = sampleFrequency
        matrices = FloatBuffer(count: copies * latentSize * actionSize)
    }

    var copies: Int { matrices.count / (latentSize * actionSize) }

    /// Whether the noise is drawn anew before lockstep `step` (0-based) of a rollout: SB3 resamples at
    /// the start of every rollout and whenever `step % sde_sample_freq == 0`.
    func resamples(atStep step: Int) -> Bool {
        step == 0 || (sampleFrequency > 0 && step % sampleFrequency == 0)
    }

    /// Draws every copy's W with σ = exp(`logStd`), copy by copy, row-major.
    func resample(logStd: UnsafePointer<Float>, using generator: inout SeededGenerator) {
        for c in 0..<copies {
            Self.sample(logStd: logStd, count: latentSize * actionSize, using: &generator, into: matrices.base + c * latentSize * actionSize)
        }
    }

    /// W_{ja} = exp(L_{ja}) · N(0, 1), `count` values.
    static func sample(logStd: UnsafePointer<Float>, count: Int, using generator: inout SeededGenerator,
                       into matrix: UnsafeMutablePointer<Float>) {
        for i in 0..<count { matrix[i] = exp(logStd[i]) * Float(generator.nextGaussian()) }
    }

    /// φᵀ W (n values) for one row of features and a k × n matrix W.
    static func noise(features: UnsafePointer<Float>, matrix: UnsafePointer<Float>, latentSize k: Int, actionSize n: Int) -> [Float] {
        var result = [Double](repeating: 0, count: n)
        for j in 0..<k {
            let phi = Double(features[j])
            for a in 0..<n { result[a] += phi * Double(matrix[j * n + a]) }
        }
        return result.map { Float($0) }
    }

    /// log σ_a(s_r) = ½ log(Σ_j φ_{rj}² exp(2 L_{ja}) + ε) for each of `rows` rows (rows × n).
    static func rowLogStd(features: UnsafePointer<Float>, logStd: UnsafePointer<Float>, rows: Int, latentSize k: Int,
                          actionSize n: Int, into result: UnsafeMutablePointer<Double>) {
        let variances = (0..<(k * n)).map { exp(2 * Double(logStd[$0])) }
        for r in 0..<rows {
            for a in 0..<n {
                var variance = varianceEpsilon
                for j in 0..<k {
                    let phi = Double(features[r * k + j])
                    variance += phi * phi * variances[j * n + a]
                }
                result[r * n + a] = 0.5 * log(variance)
            }
        }
    }

    /// Adds ∂loss/∂L (k × n) to `logStdGradient`, given ∂loss/∂log σ_a(s_r) (rows × n) and the log σ of
    /// `rowLogStd` computed from the same features and L. The features receive nothing (they are detached).
    static func addLogStdGradient(rowLogStdGradient: UnsafePointer<Double>, rowLogStd: UnsafePointer<Double>,
                                  features: UnsafePointer<Float>, logStd: UnsafePointer<Float>, rows: Int, latentSize k: Int,
                                  actionSize n: Int, into logStdGradient: UnsafeMutablePointer<Float>) {
        // g_ra / σ_a(s_r)², then Σ_r φ_rj² · that, times σ_ja².
        let scaled = (0..<(rows * n)).map { rowLogStdGradient[$0] / exp(2 * rowLogStd[$0]) }
        var sums = [Double](repeating: 0, count: k * n)
        for r in 0..<rows {
            for j in 0..<k {
                let phi = Double(features[r * k + j]), phi2 = phi * phi
                for a in 0..<n { sums[j * n + a] += phi2 * scaled[r * n + a] }
            }
        }
        for i in 0..<(k * n) { logStdGradient[i] += Float(sums[i] * exp(2 * Double(logStd[i]))) }
    }
}
