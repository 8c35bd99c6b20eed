import Foundation
import NeuralNetwork
import Transitions

/// log π(a|s) of SAC's policy at given (logged) actions, for importance weights ρ = π(a|s)/μ(a|s)
/// against a stored behavior log-probability log μ(a|s).
///
/// Convention (the one `act` reports and the store keeps): the density is over **environment-unit**
/// actions, tanh and action-scale Jacobians included:
///
///     a_net = toNetwork(a),   u = atanh(a_net),
///     log π(a|s) = log N(u; μ(s), σ(s)²) − Σⱼ log(1 − a_net,ⱼ² + 10⁻⁶) − Σⱼ log((highⱼ − lowⱼ)/2),
///
/// SB3's form of the tanh correction, the one `act` reports. An action on the box's edge (a_net = ±1)
/// is finite: its u is the most likely one beyond the Float edge (`SquashedGaussianHead+LogProbability`).
extension SAC {
    /// log π(a|s) for `rows` = observations.count / observationSize rows; `actions` in environment units
    /// (rows × actionSize). Runs the actor's forward pass (its workspace is reused; do not call this
    /// between the passes of an update).
    public func logProbabilities(observations: [Float], actions: [Float]) -> [Float] {
        GaussianPolicy.logProbabilities(actor, head: head, actionScale: actionScale, observationSize: observationSize,
                                        observations: observations, actions: actions)
    }

    /// Adds ∇_θ Σᵢ wᵢ · log π(aᵢ|sᵢ) (θ the actor's parameters) to the actor's gradient, as a backward
    /// pass does (`Adam.step` clears it), and returns log π(aᵢ|sᵢ) (environment units). The score
    /// function ∇ log π at logged actions is what the truncated-IS actor gradient
    /// (`TruncatedImportanceSampling`) weights. The Jacobians do not depend on θ.
    public func addLogProbabilityGradient(observations: [Float], actions: [Float], weights: [Float]) -> [Float] {
        let rows = checkRows(observations: observations, actions: actions)
        precondition(weights.count == rows, "expected \(rows) weights, got \(weights.count)")
        var result = [Float](repeating: 0, count: rows)
        guard rows > 0 else { return result }
        let networkActions = self.networkActions(actions, rows: rows)
        var rawGradient = [Float](repeating: 0, count: rows * 2 * actionSize)
        observations.withUnsafeBufferPointer { s in
            let raw = actor.forward(s.baseAddress!, rows: rows)
            result.withUnsafeMutableBufferPointer {
                head.logProbabilities(raw: raw, actions: networkActions, rows: rows, into: $0.baseAddress!)
            }
            weights.withUnsafeBufferPointer { w in
                rawGradient.withUnsafeMutableBufferPointer { g in
                    head.logProbabilityGradient(raw: raw, actions: networkActions, rows: rows, weights: w.baseAddress!, into: g.baseAddress!)
                    actor.backward(outputGradient: g.baseAddress!, input: s.baseAddress!, rows: rows)
                }
            }
        }
        let jacobian = actionScale.logJacobian
        for i in 0..<rows { result[i] -= jacobian }
        return result
    }

    private func checkRows(observations: [Float], actions: [Float]) -> Int {
        precondition(observations.count % observationSize == 0, "observations must hold whole rows of \(observationSize) values")
        let rows = observations.count / observationSize
        precondition(actions.count == rows * actionSize, "expected \(rows * actionSize) action values, got \(actions.count)")
        return rows
    }

    /// Environment-unit actions mapped to [−1, 1] (±1 and beyond are saturated actions to the head).
    private func networkActions(_ actions: [Float], rows: Int) -> [Float] {
        var network = [Float](repeating: 0, count: actions.count)
        actions.withUnsafeBufferPointer { a in
            network.withUnsafeMutableBufferPointer { actionScale.toNetwork(a.baseAddress!, rows: rows, into: $0.baseAddress!) }
        }
        return network
    }
}

extension SAC: ActionDensity {
    public func policyLogProbabilities(observations: [Float], actions: [Float]) -> [Float]? {
        logProbabilities(observations: observations, actions: actions)
    }
}
