import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Acting and policy files for the tanh-squashed Gaussian actor that SAC and Gaussian behavior cloning
/// share: an MLP [observation] → [μ | log σ] followed by `SquashedGaussianHead`, scaled to the bounds.
public enum GaussianPolicy {
    /// Stochastic: a = tanh(μ + σ ε) scaled to the bounds, with its log-density in environment units
    /// (tanh correction and action-scale Jacobian included). Deterministic: tanh(μ) scaled, log-density NaN.
    public static func act(_ actor: MLP, head: SquashedGaussianHead, actionScale: ActionScale, on observation: [Float],
                    deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        var action = [Float](repeating: 0, count: actionScale.count)
        var logProbability = Float.nan
        observation.withUnsafeBufferPointer { s in
            let raw = actor.forward(s.baseAddress!, rows: 1)
            if deterministic {
                head.mode(raw: raw, rows: 1)
            } else {
                head.sample(raw: raw, rows: 1, using: &generator)
                logProbability = head.logProbabilities.base[0] - actionScale.logJacobian
            }
        }
        action.withUnsafeMutableBufferPointer { actionScale.toEnvironment(head.actions.base, into: $0.baseAddress!) }
        return ChosenAction(action: action, logProbability: logProbability)
    }

    /// log π(a|s) in environment units (tanh and action-scale Jacobians included; see
    /// `SAC.logProbabilities(observations:actions:)`) for whole rows of observations and actions.
    /// Runs the actor's forward pass.
    static func logProbabilities(_ actor: MLP, head: SquashedGaussianHead, actionScale: ActionScale, observationSize: Int,
                                 observations: [Float], actions: [Float]) -> [Float] {
        precondition(observations.count % observationSize == 0, "observations must hold whole rows of \(observationSize) values")
        let rows = observations.count / observationSize
        precondition(actions.count == rows * actionScale.count, "expected \(rows * actionScale.count) action values, got \(actions.count)")
        var result = [Float](repeating: 0, count: rows)
        guard rows > 0 else { return result }
        var networkActions = [Float](repeating: 0, count: actions.count)
        actions.withUnsafeBufferPointer { a in
            networkActions.withUnsafeMutableBufferPointer { actionScale.toNetwork(a.baseAddress!, rows: rows, into: $0.baseAddress!) }
        }
        observations.withUnsafeBufferPointer { s in
            let raw = actor.forward(s.baseAddress!, rows: rows)
            result.withUnsafeMutableBufferPointer {
                head.logProbabilities(raw: raw, actions: networkActions, rows: rows, into: $0.baseAddress!)
            }
        }
        let jacobian = actionScale.logJacobian
        for i in 0..<rows { result[i] -= jacobian }
        return result
    }

    /// The actor's tensors under Stable-Baselines3's names for `SAC`'s `Actor` module:
    /// `latent_pi.0.weight`, `latent_pi.0.bias`, `latent_pi.2.weight`, … (hidden layers),
    /// `mu.weight` / `mu.bias` and `log_std.weight` / `log_std.bias` (the two halves of the last layer).
    static func regions(of actor: MLP, actionSize n: Int) -> [ParameterRegion] {
        let last = actor.layers[actor.layers.count - 1]
        let hidden = last.inputSize
        return ParameterRegion.sequential(actor, prefix: "latent_pi.", layers: 0..<(actor.layers.count - 1)) + [
            ParameterRegion(name: "mu.weight", shape: [n, hidden], offset: last.weightOffset),
            ParameterRegion(name: "mu.bias", shape: [n], offset: last.biasOffset),
            ParameterRegion(name: "log_std.weight", shape: [n, hidden], offset: last.weightOffset + n * hidden),
            ParameterRegion(name: "log_std.bias", shape: [n], offset: last.biasOffset + n),
        ]
    }

    /// Writes the actor as `policy.safetensors` (tensor names: `regions(of:actionSize:)`); refuses non-finite values.
    static func save(_ actor: MLP, algorithm: String, observationSize: Int, actionScale: ActionScale,
                     hiddenSizes: [Int], activation: Activation, to file: URL) throws {
        let tensors = ParameterRegion.tensors(regions(of: actor, actionSize: actionScale.count), of: actor.parameters)
        try Checkpoint.requireFinite(tensors)
        try Safetensors.write(tensors,
                              metadata: PolicyMetadata.make(algorithm: algorithm, observationSize: observationSize, actionScale: actionScale,
                                                            hiddenSizes: hiddenSizes, activation: activation),
                              to: file)
    }
}
