import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension PPO: OnPolicyLearner, CheckpointedLearner {
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

    /// With gSDE: every copy's noise matrix is drawn anew at a rollout's start and every `sdeSampleFrequency` steps.
    public func prepareExploration(step: Int, using generator: inout SeededGenerator) {
        networks.prepareExploration(step: step, using: &generator)
    }

    /// With gSDE: μ(s) + φ(s)ᵀ W_copy; otherwise `act(on:deterministic: false, using:)`.
    public func explore(on observation: [Float], copy: Int, using generator: inout SeededGenerator) -> ChosenAction {
        networks.act(on: observation, deterministic: false, copy: copy, using: &generator)
    }

    public var parametersAreFinite: Bool { networks.parametersAreFinite }

    public func savePolicy(to file: URL) throws {
        try networks.savePolicy(algorithm: PPOConfig.algorithmName, hiddenSizes: config.common.hiddenSizes,
                                activation: config.common.activation, to: file)
    }

    var sourceConfig: any LearnerConfig { config }
    var checkpointItems: [CheckpointItem] { networks.checkpointItems }
    var actionScale: ActionScale { networks.actionScale }
}
