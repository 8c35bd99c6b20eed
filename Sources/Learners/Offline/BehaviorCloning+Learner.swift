import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension BehaviorCloning: CheckpointedLearner {
    /// Gaussian: as SAC acts (sampled, or tanh(μ) when deterministic). Deterministic policy: μ(s), always.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        switch config.policy {
        case .gaussian:
            return GaussianPolicy.act(actor, head: head, actionScale: actionScale, on: observation, deterministic: deterministic,
                                      using: &generator)
        case .deterministic:
            return DeterministicPolicy.act(actor, actionScale: actionScale, explorationNoise: 0, on: observation,
                                           deterministic: true, using: &generator)
        }
    }

    /// A Gaussian policy is written in SAC's layout, a deterministic one in TD3's; `"algorithm": "bc"`.
    public func savePolicy(to file: URL) throws {
        let common = config.common
        switch config.policy {
        case .gaussian:
            try GaussianPolicy.save(actor, algorithm: BCConfig.algorithmName, observationSize: observationSize, actionScale: actionScale,
                                    hiddenSizes: common.hiddenSizes, activation: common.activation, to: file)
        case .deterministic:
            try DeterministicPolicy.save(actor, algorithm: BCConfig.algorithmName, observationSize: observationSize, actionScale: actionScale,
                                         hiddenSizes: common.hiddenSizes, activation: common.activation, to: file)
        }
    }

    var actorRegions: [ParameterRegion] {
        config.policy == .gaussian ? GaussianPolicy.regions(of: actor, actionSize: actionSize) : DeterministicPolicy.regions(of: actor)
    }

    var checkpointItems: [CheckpointItem] {
        [.network(actor, regions: actorRegions, prefix: "actor."), .optimizer(actorOptimizer, name: "optimizer.actor")]
    }

    var sourceConfig: any LearnerConfig { config }

    public var parametersAreFinite: Bool { actorOptimizer.lastStepWasFinite }
}
