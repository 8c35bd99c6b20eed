import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension CQL: CheckpointedLearner {
    public var updateCount: Int {
        get { sac.updateCount }
        set { sac.updateCount = newValue }
    }

    /// As SAC acts.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        sac.act(on: observation, deterministic: deterministic, using: &generator)
    }

    /// SAC's policy layout, `"algorithm": "cql"`.
    public func savePolicy(to file: URL) throws {
        try GaussianPolicy.save(sac.actor, algorithm: CQLConfig.algorithmName, observationSize: observationSize, actionScale: actionScale,
                                hiddenSizes: config.common.hiddenSizes, activation: config.common.activation, to: file)
    }

    /// SAC's items, and with the Lagrange form `log_cql_multiplier` and its optimiser.
    var checkpointItems: [CheckpointItem] {
        sac.checkpointItems + (multiplierOptimizer.map {
            [.vector(logMultiplier, name: "log_cql_multiplier"), .optimizer($0, name: "optimizer.log_cql_multiplier")]
        } ?? [])
    }

    var sourceConfig: any LearnerConfig { config }

    public var parametersAreFinite: Bool { sac.parametersAreFinite && logMultiplier.base[0].isFinite }
}

extension CQL: ProductFLOPCounting {}
