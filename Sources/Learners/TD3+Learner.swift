import Foundation
import NeuralNetwork
import Randomness

extension TD3: Learner {
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return DeterministicPolicy.act(actor, actionScale: actionScale, explorationNoise: config.explorationNoise, on: observation,
                                       deterministic: deterministic, using: &generator)
    }

    var actorRegions: [ParameterRegion] { DeterministicPolicy.regions(of: actor) }

    public func savePolicy(to file: URL) throws {
        try DeterministicPolicy.save(actor, algorithm: .td3, observationSize: observationSize, actionScale: actionScale,
                                     hiddenSizes: config.hiddenSizes, activation: config.activation, to: file)
    }

    struct CheckpointState: Codable {
        var algorithm: Algorithm
        var observationSize: Int
        var actionScale: ActionScale
        var config: TD3Config
        var updateCount: Int
        var actorOptimizerSteps: Int
        var criticOptimizerSteps: [Int]
    }

    /// `learner.safetensors`: `actor.mu.*`, `actor_target.mu.*`, `critic.qf0.*`, `critic.qf1.*`,
    /// `critic_target.qf{0,1}.*` and the Adam moments `optimizer.<network>.exp_avg{,_sq}`.
    public func saveCheckpoint(to directory: URL) throws {
        var tensors = ParameterRegion.tensors(actorRegions, of: actor.parameters, namePrefix: "actor.")
        tensors += ParameterRegion.tensors(actorRegions, of: actorTarget.parameters, namePrefix: "actor_target.")
        tensors += Checkpoint.tensors(of: actorOptimizer, name: "optimizer.actor")
        for k in 0..<2 {
            tensors += ParameterRegion.tensors(ParameterRegion.sequential(critics[k], prefix: "qf\(k)."), of: critics[k].parameters, namePrefix: "critic.")
            tensors += ParameterRegion.tensors(ParameterRegion.sequential(targetCritics[k], prefix: "qf\(k)."), of: targetCritics[k].parameters, namePrefix: "critic_target.")
            tensors += Checkpoint.tensors(of: criticOptimizers[k], name: "optimizer.critic.qf\(k)")
        }
        let state = CheckpointState(algorithm: .td3, observationSize: observationSize, actionScale: actionScale, config: config,
                                    updateCount: updateCount, actorOptimizerSteps: actorOptimizer.stepCount,
                                    criticOptimizerSteps: criticOptimizers.map(\.stepCount))
        try Checkpoint.write(tensors: tensors, state: state, to: directory)
    }

    public func loadCheckpoint(from directory: URL) throws {
        let (tensors, state) = try Checkpoint.read(CheckpointState.self, algorithm: .td3, from: directory)
        try Checkpoint.requireMatch("the observation size", saved: state.observationSize, current: observationSize)
        try Checkpoint.requireMatch("the action bounds", saved: state.actionScale, current: actionScale)
        try Checkpoint.requireMatch("the hidden sizes", saved: state.config.hiddenSizes, current: config.hiddenSizes)
        try Checkpoint.requireMatch("the activation", saved: state.config.activation, current: config.activation)
        try ParameterRegion.load(actorRegions, into: actor.parameters, from: tensors, namePrefix: "actor.")
        try ParameterRegion.load(actorRegions, into: actorTarget.parameters, from: tensors, namePrefix: "actor_target.")
        try Checkpoint.restore(actorOptimizer, name: "optimizer.actor", stepCount: state.actorOptimizerSteps, from: tensors)
        for k in 0..<2 {
            try ParameterRegion.load(ParameterRegion.sequential(critics[k], prefix: "qf\(k)."), into: critics[k].parameters, from: tensors, namePrefix: "critic.")
            try ParameterRegion.load(ParameterRegion.sequential(targetCritics[k], prefix: "qf\(k)."), into: targetCritics[k].parameters, from: tensors, namePrefix: "critic_target.")
            try Checkpoint.restore(criticOptimizers[k], name: "optimizer.critic.qf\(k)", stepCount: state.criticOptimizerSteps[k], from: tensors)
        }
        updateCount = state.updateCount
    }
}
