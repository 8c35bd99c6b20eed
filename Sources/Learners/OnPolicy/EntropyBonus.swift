/// The entropy bonus of A2C and PPO as a loss term: L = −c · H(π(·|s)). With a state-independent
/// log σ, H = Σⱼ log σⱼ + ½(1 + log 2π) for every state, so ∂L/∂log σⱼ = −c.
enum EntropyBonus {
    /// Returns L (for c = 0 too) and adds its gradient to `logStdGradient`; also returns H.
    static func lossAndGradient(logStd: UnsafePointer<Float>, actionSize n: Int, coefficient: Double,
                                logStdGradient: UnsafeMutablePointer<Float>) -> (loss: Double, entropy: Double) {
        let entropy = DiagonalGaussian.entropy(logStd: logStd, actionSize: n)
        if coefficient != 0 {
            for j in 0..<n { logStdGradient[j] -= Float(coefficient) }
        }
        return (-coefficient * entropy, entropy)
    }
}
