import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension TD3: CheckpointedLearner {
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        let input = config.observationNormalization?.apply(observation) ?? observation
        return DeterministicPolicy.act(actor, actionScale: actionScale, explorationNoise: config.explorationNoise, on: input,
                                       deterministic: deterministic, using: &generator)
    }

    /// The algorithm the user chose ("td3" or "ddpg"), for the policy file.
    var algorithmName: String { type(of: sourceConfig).algorithmName }

    public func savePolicy(to file: URL) throws {
        try DeterministicPolicy.save(actor, algorithm: algorithmName, observationSize: observationSize, actionScale: actionScale,
                                     hiddenSizes: config.common.hiddenSizes, activation: config.common.activation,
                                     observationNormalization: config.observationNormalization,
                                     explorationNoise: config.behaviorCloningWeight == nil ? config.explorationNoise : nil, to: file)
    }

    /// `learner.safetensors`: `actor.mu.*`, `actor_target.mu.*`, `critic.qf{k}.*`, `critic_target.qf{k}.*`
    /// and the Adam moments `optimizer.<network>.exp_avg{,_sq}`.
    var checkpointItems: [CheckpointItem] {
        let regions = DeterministicPolicy.regions(of: actor)
        return [.network(actor, regions: regions, prefix: "actor."),
                .network(actorTarget, regions: regions, prefix: "actor_target."),
                .optimizer(actorOptimizer, name: "optimizer.actor")] + critics.checkpointItems
    }

    /// From the optimisers' own checks in their last steps (no extra pass over the parameters); the
    /// actor's last step is the latest that wrote it, delayed or not.
    public var parametersAreFinite: Bool {
        actorOptimizer.lastStepWasFinite && critics.parametersAreFinite
    }
}
