import Foundation

/// The weights of advantage-weighted regression as IQL extracts its policy (Kostrikov et al. 2021, eq. 7;
/// Peng et al. 2019): w = min(exp(β · A), w_max), A = Q(s, a) − V(s) at the logged action.
public enum AdvantageWeights {
    /// wᵢ = min(exp(β Aᵢ), maxWeight) into `weights`; returns how many were clipped at `maxWeight`. A NaN
    /// advantage gives a NaN weight (the loss then reports it; the run stops as diverged).
    @discardableResult
    public static func compute(advantages: UnsafePointer<Float>, count: Int, beta: Float, maxWeight: Float,
                               into weights: UnsafeMutablePointer<Float>) -> Int {
        var clipped = 0
        for i in 0..<count {
            let weight = Foundation.exp(beta * advantages[i])
            if weight >= maxWeight {
                weights[i] = maxWeight
                clipped += 1
            } else {
                weights[i] = weight
            }
        }
        return clipped
    }
}
