/// Per-component observation standardisation, s' = (s − mean) / (std + ε), fitted on a dataset
/// (TD3+BC, Fujimoto & Gu 2021, section 5, with their ε = 1e-3). Part of a learner's config, so the
/// same statistics are used when it acts and after a resume.
public struct ObservationNormalization: Codable, Equatable, Sendable {
    public var mean: [Float]
    public var standardDeviation: [Float]
    /// Added to the standard deviation (the TD3+BC authors' 1e-3).
    public static let epsilon: Float = 1e-3

    public init(mean: [Float], standardDeviation: [Float]) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The mean and population standard deviation of every observation component of `observations`
    /// (rows × size, row-major), accumulated in Double.
    public init(fitting observations: [Float], size: Int) {
        precondition(size > 0 && observations.count % size == 0)
        let rows = max(observations.count / size, 1)
        var sum = [Double](repeating: 0, count: size), squares = [Double](repeating: 0, count: size)
        for (i, value) in observations.enumerated() {
            sum[i % size] += Double(value)
            squares[i % size] += Double(value) * Double(value)
        }
        let means = sum.map { $0 / Double(rows) }
        mean = means.map { Float($0) }
        standardDeviation = zip(squares, means).map { Float(max($0 / Double(rows) - $1 * $1, 0).squareRoot()) }
    }

    /// Writes the standardised rows of `source` (rows × mean.count) into `destination`.
    func apply(_ source: UnsafePointer<Float>, rows: Int, into destination: UnsafeMutablePointer<Float>) {
        let size = mean.count
        for r in 0..<rows {
            for j in 0..<size {
                destination[r * size + j] = (source[r * size + j] - mean[j]) / (standardDeviation[j] + Self.epsilon)
            }
        }
    }

    /// `observation` standardised.
    func apply(_ observation: [Float]) -> [Float] {
        var result = observation
        observation.withUnsafeBufferPointer { s in result.withUnsafeMutableBufferPointer { apply(s.baseAddress!, rows: 1, into: $0.baseAddress!) } }
        return result
    }

    /// The first layer `weight` ([out, in] row-major, in = mean.count) and `bias` ([out]) with this
    /// standardisation folded in, so that W'·s + b' = W·((s − mean)/(std + ε)) + b for raw s:
    /// W'[o, j] = W[o, j] / (std[j] + ε) and b'[o] = b[o] − Σⱼ W'[o, j]·mean[j], in Double, then rounded to Float.
    func folded(weight: [Float], bias: [Float]) -> (weight: [Float], bias: [Float]) {
        let inputs = mean.count
        precondition(inputs > 0 && weight.count == bias.count * inputs, "weight must be [\(bias.count), \(inputs)]")
        var foldedWeight = [Float](repeating: 0, count: weight.count), foldedBias = [Float](repeating: 0, count: bias.count)
        let scales = standardDeviation.map { 1 / (Double($0) + Double(Self.epsilon)) }
        for o in 0..<bias.count {
            var shift = 0.0
            for j in 0..<inputs {
                let w = Double(weight[o * inputs + j]) * scales[j]
                foldedWeight[o * inputs + j] = Float(w)
                shift += w * Double(mean[j])
            }
            foldedBias[o] = Float(Double(bias[o]) - shift)
        }
        return (foldedWeight, foldedBias)
    }
}
