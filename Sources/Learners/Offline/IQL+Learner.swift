import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension IQL: CheckpointedLearner {
    /// As SAC acts: a = tanh(μ + σ ε) scaled to the bounds, or tanh(μ) when deterministic.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return GaussianPolicy.act(actor, head: head, actionScale: actionScale, on: observation, deterministic: deterministic,
                                  using: &generator)
    }

    /// SAC's policy layout, `"algorithm": "iql"`.
    public func savePolicy(to file: URL) throws {
        try GaussianPolicy.save(actor, algorithm: IQLConfig.algorithmName, observationSize: observationSize, actionScale: actionScale,
                                hiddenSizes: config.common.hiddenSizes, activation: config.common.activation, to: file)
    }

    /// `actor.*` (the policy names), the critics and their targets as SAC's, `value.0.weight` … and the Adam
    /// moments of each network.
    var checkpointItems: [CheckpointItem] {
        [.network(actor, regions: GaussianPolicy.regions(of: actor, actionSize: actionSize), prefix: "actor.")]
            + critics.checkpointItems
            + [.network(value, regions: ParameterRegion.sequential(value, prefix: ""), prefix: "value."),
               .optimizer(actorOptimizer, name: "optimizer.actor"), .optimizer(valueOptimizer, name: "optimizer.value")]
    }

    var sourceConfig: any LearnerConfig { config }

    /// From the optimisers' own checks in their last steps.
    public var parametersAreFinite: Bool {
        actorOptimizer.lastStepWasFinite && critics.parametersAreFinite && valueOptimizer.lastStepWasFinite
    }
}

extension IQL: ProductFLOPCounting {}
