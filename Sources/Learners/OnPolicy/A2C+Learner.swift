import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension A2C: OnPolicyLearner, CheckpointedLearner {
    public var environmentCount: Int { config.onPolicy.environmentCount }
    public var stepsPerEnvironment: Int { config.onPolicy.stepsPerEnvironment }
    public var replayUpdatesPerRollout: Int { config.replayRatio }
    public var replaySequenceCount: Int { config.onPolicy.environmentCount }
    public var replaySequenceLength: Int { config.onPolicy.stepsPerEnvironment }

    public var metricNames: [String] {
        ["policy_loss", "value_loss", "entropy", "explained_variance", "gradient_norm", "std"]
            + (config.replayRatio > 0 ? ["replay_policy_loss", "replay_value_loss", "replay_ratio_mean", "replay_gradient_norm",
                                     "replay_unknown_behavior"] : [])
    }

    /// The batch as one rollout of a single segment.
    public func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics {
        update(onRollout: batch, segments: 1, progressRemaining: 1, using: &generator)
    }

    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        networks.act(on: observation, deterministic: deterministic, using: &generator)
    }

    public var parametersAreFinite: Bool { networks.parametersAreFinite }

    /// The algorithm the user chose ("a2c" or "reinforce").
    var algorithmName: String { type(of: sourceConfig).algorithmName }

    public func savePolicy(to file: URL) throws {
        try networks.savePolicy(algorithm: algorithmName, hiddenSizes: config.common.hiddenSizes,
                                activation: config.common.activation, to: file)
    }

    var checkpointItems: [CheckpointItem] { networks.checkpointItems }
    var actionScale: ActionScale { networks.actionScale }
}
