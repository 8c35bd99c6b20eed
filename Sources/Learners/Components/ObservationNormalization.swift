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
}
