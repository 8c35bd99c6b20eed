import Foundation
import NeuralNetwork
import Randomness

/// Orthogonal initialisation (Saxe et al. 2014), as Stable-Baselines3 and CleanRL initialise their
/// on-policy networks: every weight matrix W [out, in] gets orthonormal rows or columns scaled by a
/// gain (√2 for hidden layers, 0.01 for the policy's output, 1 for the value's output), every bias 0.
/// The orthonormal matrix is `torch.nn.init.orthogonal_`'s construction: the Q of a QR factorisation of
/// a standard-normal matrix, with Q's columns multiplied by the signs of R's diagonal.
enum OrthogonalInitialization {
    /// Re-initialises `network`: hidden layers with `hiddenGain`, the last with `outputGain`.
    static func apply(to network: MLP, hiddenGain: Double, outputGain: Double, using generator: inout SeededGenerator) {
        for (l, layer) in network.layers.enumerated() {
            let gain = l == network.layers.count - 1 ? outputGain : hiddenGain
            let matrix = orthogonal(rows: layer.outputSize, columns: layer.inputSize, using: &generator)
            for i in 0..<matrix.count { network.parameters.base[layer.weightOffset + i] = Float(gain * matrix[i]) }
            for i in 0..<layer.outputSize { network.parameters.base[layer.biasOffset + i] = 0 }
        }
    }

    /// A rows × columns matrix (row-major) whose rows (rows ≤ columns) or columns (rows > columns) are orthonormal.
    static func orthogonal(rows: Int, columns: Int, using generator: inout SeededGenerator) -> [Double] {
        // Factor the tall matrix A (m × k, m ≥ k) by modified Gram–Schmidt; Q (m × k) has orthonormal columns.
        let m = max(rows, columns), k = min(rows, columns)
        var q = (0..<(m * k)).map { _ in generator.nextGaussian() }  // column-major: column c at c·m
        for c in 0..<k {
            for previous in 0..<c {
                var dot = 0.0
                for i in 0..<m { dot += q[previous * m + i] * q[c * m + i] }
                for i in 0..<m { q[c * m + i] -= dot * q[previous * m + i] }
            }
            var norm = 0.0
            for i in 0..<m { norm += q[c * m + i] * q[c * m + i] }
            norm = norm.squareRoot()
            // R's diagonal is the norm (positive), so the sign correction leaves Q as it is.
            for i in 0..<m { q[c * m + i] /= norm }
        }
        var result = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                // rows ≥ columns: W = Q; rows < columns: W = Qᵀ.
                result[r * columns + c] = rows >= columns ? q[c * m + r] : q[r * m + c]
            }
        }
        return result
    }
}
