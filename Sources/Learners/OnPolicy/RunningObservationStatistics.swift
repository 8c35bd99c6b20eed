import Foundation
import NeuralNetwork

/// Running mean and variance of the observations, for normalising the networks' input as
/// Stable-Baselines3's `VecNormalize` does (its `RunningMeanStd`, with the parallel update of Chan et al.):
///
///     input = clip((s − mean) / √(var + 1e-8), −10, 10),     initially mean 0, var 1, count 1e-4.
///
/// The statistics live in three small buffers so that checkpoints carry them (`checkpointItems`).
/// The learners hold them fixed during a rollout and its update, and fold the rollout's observations
/// in afterwards, so the inputs a rollout was acted on are the inputs it is learned from.
final class RunningObservationStatistics {
    let mean: FloatBuffer
    let variance: FloatBuffer
    let count: FloatBuffer
    static let epsilon = 1e-8
    static let clip: Float = 10

    init(size: Int) {
        mean = FloatBuffer(count: size)
        variance = FloatBuffer([Float](repeating: 1, count: size))
        count = FloatBuffer([1e-4])
    }

    var size: Int { mean.count }

    /// Folds `rows` observations (rows × size) into the statistics.
    func update(with observations: UnsafePointer<Float>, rows: Int) {
        guard rows > 0 else { return }
        let n = size
        let oldCount = Double(count.base[0]), batchCount = Double(rows), total = oldCount + batchCount
        for j in 0..<n {
            var sum = 0.0
            for r in 0..<rows { sum += Double(observations[r * n + j]) }
            let batchMean = sum / batchCount
            var squares = 0.0
            for r in 0..<rows {
                let d = Double(observations[r * n + j]) - batchMean
                squares += d * d
            }
            let batchVariance = squares / batchCount
            let oldMean = Double(mean.base[j]), oldVariance = Double(variance.base[j])
            let delta = batchMean - oldMean
            let newMean = oldMean + delta * batchCount / total
            let m2 = oldVariance * oldCount + batchVariance * batchCount + delta * delta * oldCount * batchCount / total
            mean.base[j] = Float(newMean)
            variance.base[j] = Float(m2 / total)
        }
        count.base[0] = Float(total)
    }

    /// Writes the normalised rows of `source` into `destination`.
    func normalize(_ source: UnsafePointer<Float>, rows: Int, into destination: UnsafeMutablePointer<Float>) {
        let n = size
        for j in 0..<n {
            let m = mean.base[j], scale = Float(1 / (Double(variance.base[j]) + Self.epsilon).squareRoot())
            for r in 0..<rows {
                destination[r * n + j] = min(max((source[r * n + j] - m) * scale, -Self.clip), Self.clip)
            }
        }
    }
}
