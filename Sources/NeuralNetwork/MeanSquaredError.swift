/// Mean squared error L (accumulated and returned in Double) = scale · (1/n) Σ (predictionᵢ − targetᵢ)², with its gradient
/// ∂L/∂predictionᵢ = scale · 2 (predictionᵢ − targetᵢ) / n, in one pass.
public enum MeanSquaredError {
    @discardableResult
    public static func evaluate(
        prediction: UnsafePointer<Float>, target: UnsafePointer<Float>, count: Int, scale: Float = 1,
        gradient: UnsafeMutablePointer<Float>
    ) -> Double {
        var sum: Double = 0
        let gradientScale = 2 * scale / Float(count)
        for i in 0..<count {
            let difference = prediction[i] - target[i]
            sum += Double(difference * difference)
            gradient[i] = gradientScale * difference
        }
        return Double(scale) * sum / Double(count)
    }

    /// The loss alone (no gradient).
    public static func value(prediction: [Float], target: [Float]) -> Double {
        precondition(prediction.count == target.count)
        var sum: Double = 0
        for i in prediction.indices {
            let difference = Double(prediction[i] - target[i])
            sum += difference * difference
        }
        return sum / Double(prediction.count)
    }
}
