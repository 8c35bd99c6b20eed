import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension PPO: OnPolicyLearner {
    public var environmentCount: Int { config.onPolicy.environmentCount }
    public var stepsPerEnvironment: Int { config.onPolicy.stepsPerEnvironment }
    public var metricNames: [String] {
        ["policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance", "gradient_norm", "std", "learning_rate"]
    }

    /// The batch as one rollout of a single segment (see `update(onRollout:segments:progressRemaining:using:)`).
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        update(onRollout: batch, segments: 1, progressRemaining: 1, using: &generator)
    }

    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        networks.act(on: observation, deterministic: deterministic, using: &generator)
    }

    public var parametersAreFinite: Bool { networks.parametersAreFinite }

    public func savePolicy(to file: URL) throws {
        try networks.savePolicy(algorithm: PPOConfig.algorithmName, hiddenSizes: config.common.hiddenSizes,
                                activation: config.common.activation, to: file)
    }

    public func saveCheckpoint(to directory: URL) throws {
        try Checkpoint.write(networks.checkpointItems, config: config, observationSize: observationSize,
                             actionScale: try ActionScale(low: networks.actionLow, high: networks.actionHigh),
                             updateCount: updateCount, to: directory)
    }

    public func loadCheckpoint(from directory: URL) throws {
        updateCount = try Checkpoint.read(networks.checkpointItems, config: config, observationSize: observationSize,
                                          actionScale: try ActionScale(low: networks.actionLow, high: networks.actionHigh), from: directory)
    }
}
