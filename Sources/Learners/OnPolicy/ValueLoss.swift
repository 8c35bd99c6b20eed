/// The value-function loss of the on-policy learners, weighted by c (SB3's `vf_coef`):
///
///     L = c · (1/N) Σ_r (V(s_r) − R_r)²
///
/// and, with value clipping at ε_V (PPO's optional `clip_range_vf`, as Stable-Baselines3 computes it),
/// the prediction V is replaced by V_old + clip(V − V_old, −ε_V, ε_V), which has no gradient where clipped.
enum ValueLoss {
    /// Returns L and writes ∂L/∂V (rows) into `gradient`.
    static func lossAndGradient(values: UnsafePointer<Float>, returns: UnsafePointer<Double>, rows: Int, coefficient: Double,
                                oldValues: UnsafePointer<Double>? = nil, clipRange: Double? = nil,
                                gradient: UnsafeMutablePointer<Float>) -> Double {
        var sum = 0.0
        for r in 0..<rows {
            var prediction = Double(values[r])
            var slope = 1.0
            if let clipRange, let oldValues {
                let change = prediction - oldValues[r]
                if change > clipRange || change < -clipRange {
                    prediction = oldValues[r] + min(max(change, -clipRange), clipRange)
                    slope = 0
                }
            }
            let error = prediction - returns[r]
            sum += error * error
            gradient[r] = Float(coefficient * 2 * error * slope / Double(rows))
        }
        return coefficient * sum / Double(rows)
    }
}
