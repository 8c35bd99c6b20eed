import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension SAC: Learner {
    /// Stochastic: a = tanh(μ + σ ε) scaled to the bounds, with its log-density in environment units
    /// (tanh correction and action-scale Jacobian included). Deterministic: tanh(μ) scaled, log-density NaN.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        var action = [Float](repeating: 0, count: actionSize)
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

    /// The actor's tensors under Stable-Baselines3's names for `SAC`'s `Actor` module:
    /// `latent_pi.0.weight`, `latent_pi.0.bias`, `latent_pi.2.weight`, … (hidden layers),
    /// `mu.weight` / `mu.bias` and `log_std.weight` / `log_std.bias` (the two halves of the last layer).
    var actorRegions: [ParameterRegion] {
        let last = actor.layers[actor.layers.count - 1]
        let hidden = last.inputSize, n = actionSize
        return ParameterRegion.sequential(actor, prefix: "latent_pi.", layers: 0..<(actor.layers.count - 1)) + [
            ParameterRegion(name: "mu.weight", shape: [n, hidden], offset: last.weightOffset),
            ParameterRegion(name: "mu.bias", shape: [n], offset: last.biasOffset),
            ParameterRegion(name: "log_std.weight", shape: [n, hidden], offset: last.weightOffset + n * hidden),
            ParameterRegion(name: "log_std.bias", shape: [n], offset: last.biasOffset + n),
        ]
    }

    public func savePolicy(to file: URL) throws {
        let tensors = ParameterRegion.tensors(actorRegions, of: actor.parameters)
        try Checkpoint.requireFinite(tensors)
        try Safetensors.write(tensors,
                              metadata: PolicyMetadata.make(algorithm: SACConfig.algorithmName, observationSize: observationSize,
                                                            actionScale: actionScale, hiddenSizes: config.common.hiddenSizes,
                                                            activation: config.common.activation),
                              to: file)
    }

    /// `learner.safetensors` holds `actor.*` (the policy names), `critic.qf0.*`, `critic.qf1.*`,
    /// `critic_target.qf0.*`, `critic_target.qf1.*`, `log_alpha`, and the Adam moments
    /// `optimizer.<network>.exp_avg` / `.exp_avg_sq` as flat vectors; `learner.json` the rest.
    var checkpointItems: [CheckpointItem] {
        var items: [CheckpointItem] = [.network(actor, regions: actorRegions, prefix: "actor.")]
        items += critics.checkpointItems
        items.append(.optimizer(actorOptimizer, name: "optimizer.actor"))
        items.append(.vector(logAlpha, name: "log_alpha"))
        if let alphaOptimizer { items.append(.optimizer(alphaOptimizer, name: "optimizer.log_alpha")) }
        return items
    }

    public func saveCheckpoint(to directory: URL) throws {
        try Checkpoint.write(checkpointItems, config: config, observationSize: observationSize, actionScale: actionScale,
                             updateCount: updateCount, to: directory)
    }

    public func loadCheckpoint(from directory: URL) throws {
        updateCount = try Checkpoint.read(checkpointItems, config: config, observationSize: observationSize,
                                          actionScale: actionScale, from: directory)
    }

    /// From the optimisers' own checks in their last steps (no extra pass over the parameters).
    public var parametersAreFinite: Bool {
        actorOptimizer.lastStepWasFinite && critics.parametersAreFinite && logAlpha.base[0].isFinite
    }
}
