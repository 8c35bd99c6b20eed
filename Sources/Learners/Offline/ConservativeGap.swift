import Foundation

/// CQL(H)'s conservative gap for one critic (Kumar et al. 2020, eq. 4 with the importance-sampled
/// log-sum-exp of appendix F), averaged over the batch:
///
///     gap = mean_b [ log Σ_j exp(Q(s_b, â_bj) − log p(â_bj)) − Q(s_b, a_b) ],
///
/// â_bj the sampled actions and p their sampling density (uniform, or the policy's at s or s'), a_b the
/// logged action. Its gradient: ∂gap/∂Q(s_b, â_bj) = softmax_j(Q − log p)_b / B, ∂gap/∂Q(s_b, a_b) = −1/B.
public enum ConservativeGap {
    /// The gap over `rows` rows of `samples` sampled values each (`sampledValues` and `logDensities`,
    /// rows × samples) and one data value each. Writes ∂gap/∂sampledValues (rows × samples) into
    /// `sampledGradient`; ∂gap/∂dataValues is −1/rows for every row. Computed in Double, the largest term
    /// taken out of each log-sum-exp.
    @discardableResult
    public static func evaluate(sampledValues q: UnsafePointer<Float>, logDensities logp: UnsafePointer<Float>,
                                dataValues: UnsafePointer<Float>, rows: Int, samples: Int,
                                sampledGradient: UnsafeMutablePointer<Float>) -> Double {
        var sum: Double = 0
        let share = 1 / Double(rows)
        for b in 0..<rows {
            let row = b * samples
            var largest = -Double.infinity
            for j in 0..<samples { largest = max(largest, Double(q[row + j]) - Double(logp[row + j])) }
            var total: Double = 0
            for j in 0..<samples { total += exp(Double(q[row + j]) - Double(logp[row + j]) - largest) }
            let logSumExp = largest + log(total)
            for j in 0..<samples {
                sampledGradient[row + j] = Float(exp(Double(q[row + j]) - Double(logp[row + j]) - logSumExp) * share)
            }
            sum += logSumExp - Double(dataValues[b])
        }
        return sum * share
    }
}
