/// The asymmetric squared loss of expectile regression, IQL's value loss (Kostrikov et al. 2021, eq. 5):
///
///     L₂^τ(u) = |τ − 1(u < 0)| · u²,    u = target − prediction,
///
/// so a prediction below its target (u > 0) is pulled up with weight τ and one above it down with 1 − τ;
/// with τ > ½ the prediction settles above the mean, toward the upper expectile of the targets.
public enum ExpectileLoss {
    /// mean_i L₂^τ(uᵢ) over `count` differences uᵢ = targetᵢ − predictionᵢ, accumulated in Double. Writes
    /// ∂L/∂uᵢ = 2 |τ − 1(uᵢ < 0)| uᵢ / count into `gradient` (a difference of exactly 0 takes weight τ).
    @discardableResult
    public static func evaluate(differences u: UnsafePointer<Float>, count: Int, expectile tau: Float,
                                gradient: UnsafeMutablePointer<Float>) -> Double {
        var sum: Double = 0
        let share = 2 / Float(count)
        for i in 0..<count {
            let weight = u[i] < 0 ? 1 - tau : tau
            sum += Double(weight) * Double(u[i]) * Double(u[i])
            gradient[i] = share * weight * u[i]
        }
        return sum / Double(count)
    }
}
