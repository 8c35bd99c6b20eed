import Foundation
import NeuralNetwork
import Transitions

/// log π(a|s) for the deterministic learners (TD3, and DDPG given a σ), for importance weights.
///
/// A deterministic policy has no density, so π is **defined through TD3's target-smoothing Gaussian**:
///
///     π(·|s) = N(μ(s), σ² I) over network-unit actions,   σ = `targetPolicyNoise` (SB3: 0.2),
///
/// μ(s) the current actor (not its target copy), in environment units through the action-scale Jacobian:
///
///     log π(a|s) = Σⱼ [ −½ ((a_netⱼ − μⱼ(s))/σ)² − log σ − ½ log 2π ] − Σⱼ log((highⱼ − lowⱼ)/2),
///     a_net = toNetwork(a).
///
/// This is the Gaussian before TD3's clips: the smoothing noise's clip to ±`targetNoiseClip` and the
/// action's clip to [−1, 1] are ignored, so π is a density on all of ℝᴬ (as the behavior density of
/// `act` is for unclipped exploration actions). No tanh Jacobian appears: the actor's tanh is inside
/// μ(s), not applied to the noise. DDPG has no smoothing (σ = 0); it must pass a σ of its own (its
/// exploration noise, for example).
extension TD3 {
    /// log π(a|s) for `rows` = observations.count / observationSize rows; `actions` in environment units.
    /// `standardDeviation` defaults to the config's `targetPolicyNoise`; it must be positive.
    /// Runs the actor's forward pass (do not call this between the passes of an update).
    public func logProbabilities(observations: [Float], actions: [Float], standardDeviation: Double? = nil) throws -> [Float] {
        try logProbabilities(observations: observations, actions: actions, standardDeviation: standardDeviation, gradientWeights: nil)
    }

    /// Adds ∇_θ Σᵢ wᵢ · log π(aᵢ|sᵢ) to the actor's gradient (∂log π/∂μⱼ = (a_netⱼ − μⱼ)/σ², then back
    /// through the actor) and returns log π(aᵢ|sᵢ).
    public func addLogProbabilityGradient(observations: [Float], actions: [Float], weights: [Float],
                                          standardDeviation: Double? = nil) throws -> [Float] {
        try logProbabilities(observations: observations, actions: actions, standardDeviation: standardDeviation, gradientWeights: weights)
    }

    private func logProbabilities(observations: [Float], actions: [Float], standardDeviation: Double?,
                                  gradientWeights: [Float]?) throws -> [Float] {
        let sigma = standardDeviation ?? config.targetPolicyNoise
        guard sigma > 0, sigma.isFinite else {
            throw LearnerError.invalidConfiguration(
                "the policy density needs a positive standard deviation; got \(sigma) (DDPG has no target smoothing: pass one)")
        }
        precondition(observations.count % observationSize == 0, "observations must hold whole rows of \(observationSize) values")
        let rows = observations.count / observationSize, n = actionSize
        precondition(actions.count == rows * n, "expected \(rows * n) action values, got \(actions.count)")
        if let gradientWeights { precondition(gradientWeights.count == rows, "expected \(rows) weights, got \(gradientWeights.count)") }
        var result = [Float](repeating: 0, count: rows)
        guard rows > 0 else { return result }
        var network = [Float](repeating: 0, count: actions.count)
        actions.withUnsafeBufferPointer { a in
            network.withUnsafeMutableBufferPointer { actionScale.toNetwork(a.baseAddress!, rows: rows, into: $0.baseAddress!) }
        }
        let constant = Double(n) * (log(sigma) + 0.5 * log(2 * Double.pi)) + Double(actionScale.logJacobian)
        observations.withUnsafeBufferPointer { s in
            let mean = actor.forward(s.baseAddress!, rows: rows)
            var meanGradient = [Float](repeating: 0, count: gradientWeights == nil ? 0 : rows * n)
            for r in 0..<rows {
                var squares: Double = 0
                for j in 0..<n {
                    let i = r * n + j
                    let z = (Double(network[i]) - Double(mean[i])) / sigma
                    squares += z * z
                    if let gradientWeights { meanGradient[i] = Float(Double(gradientWeights[r]) * z / sigma) }
                }
                result[r] = Float(-0.5 * squares - constant)
            }
            if gradientWeights != nil {
                meanGradient.withUnsafeMutableBufferPointer { actor.backward(outputGradient: $0.baseAddress!, input: s.baseAddress!, rows: rows) }
            }
        }
        return result
    }
}
