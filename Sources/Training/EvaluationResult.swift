/// Returns of evaluation episodes.
public struct EvaluationResult: Codable, Equatable, Sendable {
    public var returns: [Double]

    public init(returns: [Double]) { self.returns = returns }

    public var mean: Double { returns.isEmpty ? .nan : returns.reduce(0, +) / Double(returns.count) }

    /// Population standard deviation (NumPy's default, as Stable-Baselines3 reports it).
    public var standardDeviation: Double {
        guard !returns.isEmpty else { return .nan }
        let m = mean
        return (returns.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(returns.count)).squareRoot()
    }

    /// Standard error of the mean: the sample standard deviation (n − 1) over √n; NaN below two episodes.
    public var standardError: Double {
        guard returns.count > 1 else { return .nan }
        let m = mean
        let variance = returns.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(returns.count - 1)
        return (variance / Double(returns.count)).squareRoot()
    }
}
