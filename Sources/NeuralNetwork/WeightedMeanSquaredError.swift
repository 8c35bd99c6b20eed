/// Importance-weighted mean squared error, the critic loss of prioritized replay (Schaul et al. 2016,
/// Algorithm 1, line 11: the TD error scaled by wᵢ):
/// L = scale · (1/n) Σ wᵢ (predictionᵢ − targetᵢ)², ∂L/∂predictionᵢ = scale · 2 wᵢ (predictionᵢ − targetᵢ) / n,
/// in one pass that also writes |predictionᵢ − targetᵢ|, the new priority of row i. With every wᵢ = 1 it is
/// `MeanSquaredError`.
public enum WeightedMeanSquaredError {
    @discardableResult
    public static func evaluate(
        prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, weights: UnsafePointer<Float>, count: Int, scale: Float = 1,
        gradient: UnsafeMutablePointer<Float>, absoluteErrors: UnsafeMutablePointer<Float>
    ) -> Double {
        var sum: Double = 0
        let gradientScale = 2 * scale / Float(count)
        for i in 0..<count {
            let difference = prediction[i] - target[i]
            sum += Double(weights[i] * difference * difference)
            gradient[i] = gradientScale * weights[i] * difference
            absoluteErrors[i] = abs(difference)
        }
        return Double(scale) * sum / Double(count)
    }

    /// The loss alone, in Double: the reference the gradient is checked against.
    public static func value(prediction: [Float], target: [Float], weights: [Float], scale: Double = 1) -> Double {
        precondition(prediction.count == target.count && target.count == weights.count)
        var sum: Double = 0
        for i in prediction.indices {
            let difference = Double(prediction[i]) - Double(target[i])
            sum += Double(weights[i]) * difference * difference
        }
        return scale * sum / Double(prediction.count)
    }
}
