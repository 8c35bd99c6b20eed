import Foundation
import NeuralNetwork
import Randomness

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
        try Safetensors.write(ParameterRegion.tensors(actorRegions, of: actor.parameters),
                              metadata: PolicyMetadata.make(algorithm: .sac, observationSize: observationSize,
                                                            actionScale: actionScale, hiddenSizes: config.hiddenSizes,
                                                            activation: config.activation),
                              to: file)
    }

    struct CheckpointState: Codable {
        var algorithm: Algorithm
        var observationSize: Int
        var actionScale: ActionScale
        var config: SACConfig
        var updateCount: Int
        var actorOptimizerSteps: Int
        var criticOptimizerSteps: [Int]
        var temperatureOptimizerSteps: Int?
    }

    /// `learner.safetensors` holds `actor.*` (the policy names), `critic.qf0.*`, `critic.qf1.*`,
    /// `critic_target.qf0.*`, `critic_target.qf1.*`, `log_alpha`, and the Adam moments
    /// `optimizer.<network>.exp_avg` / `.exp_avg_sq` as flat vectors; `learner.json` the rest.
    public func saveCheckpoint(to directory: URL) throws {
        var tensors = ParameterRegion.tensors(actorRegions, of: actor.parameters, namePrefix: "actor.")
        for k in 0..<2 {
            tensors += ParameterRegion.tensors(ParameterRegion.sequential(critics[k], prefix: "qf\(k)."), of: critics[k].parameters, namePrefix: "critic.")
            tensors += ParameterRegion.tensors(ParameterRegion.sequential(targetCritics[k], prefix: "qf\(k)."), of: targetCritics[k].parameters, namePrefix: "critic_target.")
            tensors += Checkpoint.tensors(of: criticOptimizers[k], name: "optimizer.critic.qf\(k)")
        }
        tensors += Checkpoint.tensors(of: actorOptimizer, name: "optimizer.actor")
        tensors.append(Checkpoint.tensor(of: logAlpha, name: "log_alpha"))
        if let alphaOptimizer { tensors += Checkpoint.tensors(of: alphaOptimizer, name: "optimizer.log_alpha") }
        let state = CheckpointState(algorithm: .sac, observationSize: observationSize, actionScale: actionScale, config: config,
                                    updateCount: updateCount, actorOptimizerSteps: actorOptimizer.stepCount,
                                    criticOptimizerSteps: criticOptimizers.map(\.stepCount),
                                    temperatureOptimizerSteps: alphaOptimizer?.stepCount)
        try Checkpoint.write(tensors: tensors, state: state, to: directory)
    }

    public func loadCheckpoint(from directory: URL) throws {
        let (tensors, state) = try Checkpoint.read(CheckpointState.self, algorithm: .sac, from: directory)
        try Checkpoint.requireMatch("the observation size", saved: state.observationSize, current: observationSize)
        try Checkpoint.requireMatch("the action bounds", saved: state.actionScale, current: actionScale)
        try Checkpoint.requireMatch("the hidden sizes", saved: state.config.hiddenSizes, current: config.hiddenSizes)
        try Checkpoint.requireMatch("the activation", saved: state.config.activation, current: config.activation)
        try Checkpoint.requireMatch("whether α is learned", saved: state.temperatureOptimizerSteps != nil, current: alphaOptimizer != nil)
        try ParameterRegion.load(actorRegions, into: actor.parameters, from: tensors, namePrefix: "actor.")
        for k in 0..<2 {
            try ParameterRegion.load(ParameterRegion.sequential(critics[k], prefix: "qf\(k)."), into: critics[k].parameters, from: tensors, namePrefix: "critic.")
            try ParameterRegion.load(ParameterRegion.sequential(targetCritics[k], prefix: "qf\(k)."), into: targetCritics[k].parameters, from: tensors, namePrefix: "critic_target.")
            try Checkpoint.restore(criticOptimizers[k], name: "optimizer.critic.qf\(k)", stepCount: state.criticOptimizerSteps[k], from: tensors)
        }
        try Checkpoint.restore(actorOptimizer, name: "optimizer.actor", stepCount: state.actorOptimizerSteps, from: tensors)
        try Checkpoint.restore(logAlpha, name: "log_alpha", from: tensors)
        if let alphaOptimizer, let steps = state.temperatureOptimizerSteps {
            try Checkpoint.restore(alphaOptimizer, name: "optimizer.log_alpha", stepCount: steps, from: tensors)
        }
        updateCount = state.updateCount
    }
}
