import Foundation
import NeuralNetwork
import Randomness

extension DDPG: Learner {
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return DeterministicPolicy.act(actor, actionScale: actionScale, explorationNoise: config.explorationNoise, on: observation,
                                       deterministic: deterministic, using: &generator)
    }

    var actorRegions: [ParameterRegion] { DeterministicPolicy.regions(of: actor) }
    var criticRegions: [ParameterRegion] { ParameterRegion.sequential(critic, prefix: "qf0.") }

    public func savePolicy(to file: URL) throws {
        try DeterministicPolicy.save(actor, algorithm: .ddpg, observationSize: observationSize, actionScale: actionScale,
                                     hiddenSizes: config.hiddenSizes, activation: config.activation, to: file)
    }

    struct CheckpointState: Codable {
        var algorithm: Algorithm
        var observationSize: Int
        var actionScale: ActionScale
        var config: DDPGConfig
        var updateCount: Int
        var actorOptimizerSteps: Int
        var criticOptimizerSteps: Int
    }

    /// `learner.safetensors`: `actor.mu.*`, `actor_target.mu.*`, `critic.qf0.*`, `critic_target.qf0.*`
    /// and the Adam moments `optimizer.<network>.exp_avg{,_sq}`.
    public func saveCheckpoint(to directory: URL) throws {
        var tensors = ParameterRegion.tensors(actorRegions, of: actor.parameters, namePrefix: "actor.")
        tensors += ParameterRegion.tensors(actorRegions, of: actorTarget.parameters, namePrefix: "actor_target.")
        tensors += ParameterRegion.tensors(criticRegions, of: critic.parameters, namePrefix: "critic.")
        tensors += ParameterRegion.tensors(criticRegions, of: criticTarget.parameters, namePrefix: "critic_target.")
        tensors += Checkpoint.tensors(of: actorOptimizer, name: "optimizer.actor")
        tensors += Checkpoint.tensors(of: criticOptimizer, name: "optimizer.critic")
        let state = CheckpointState(algorithm: .ddpg, observationSize: observationSize, actionScale: actionScale, config: config,
                                    updateCount: updateCount, actorOptimizerSteps: actorOptimizer.stepCount,
                                    criticOptimizerSteps: criticOptimizer.stepCount)
        try Checkpoint.write(tensors: tensors, state: state, to: directory)
    }

    public func loadCheckpoint(from directory: URL) throws {
        let (tensors, state) = try Checkpoint.read(CheckpointState.self, algorithm: .ddpg, from: directory)
        try Checkpoint.requireMatch("the observation size", saved: state.observationSize, current: observationSize)
        try Checkpoint.requireMatch("the action bounds", saved: state.actionScale, current: actionScale)
        try Checkpoint.requireMatch("the hidden sizes", saved: state.config.hiddenSizes, current: config.hiddenSizes)
        try Checkpoint.requireMatch("the activation", saved: state.config.activation, current: config.activation)
        try ParameterRegion.load(actorRegions, into: actor.parameters, from: tensors, namePrefix: "actor.")
        try ParameterRegion.load(actorRegions, into: actorTarget.parameters, from: tensors, namePrefix: "actor_target.")
        try ParameterRegion.load(criticRegions, into: critic.parameters, from: tensors, namePrefix: "critic.")
        try ParameterRegion.load(criticRegions, into: criticTarget.parameters, from: tensors, namePrefix: "critic_target.")
        try Checkpoint.restore(actorOptimizer, name: "optimizer.actor", stepCount: state.actorOptimizerSteps, from: tensors)
        try Checkpoint.restore(criticOptimizer, name: "optimizer.critic", stepCount: state.criticOptimizerSteps, from: tensors)
        updateCount = state.updateCount
    }
}
