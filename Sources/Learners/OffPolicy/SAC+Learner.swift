import Foundation
import NeuralNetwork
import Randomness
import Transitions

extension SAC: CheckpointedLearner {
    /// Runs of `nStep` transitions when the critic target is an n-step one.
    public var sequenceLength: Int { config.nStep }
    /// Every transition starts an n-step window, as in Stable-Baselines3's `NStepReplayBuffer`; the
    /// return is cut at the episode's end (`SAC+SequenceTargets.swift`).
    public var sequenceWindows: SequenceWindows { .fromEveryTransition }

    /// Stochastic: a = tanh(μ + σ ε) scaled to the bounds, with its log-density in environment units
    /// (tanh correction and action-scale Jacobian included). Deterministic: tanh(μ) scaled, log-density NaN.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return GaussianPolicy.act(actor, head: head, actionScale: actionScale, on: observation, deterministic: deterministic,
                                  using: &generator)
    }

    /// The policy's tensors (SB3's `SAC` actor names, see `GaussianPolicy.regions`).
    var actorRegions: [ParameterRegion] { GaussianPolicy.regions(of: actor, actionSize: actionSize) }

    public func savePolicy(to file: URL) throws {
        try GaussianPolicy.save(actor, algorithm: SACConfig.algorithmName, observationSize: observationSize, actionScale: actionScale,
                                hiddenSizes: config.common.hiddenSizes, activation: config.common.activation, to: file)
    }

    /// `learner.safetensors` holds `actor.*` (the policy names), `critic.qf0.*`, `critic.qf1.*`,
    /// `critic_target.qf0.*`, `critic_target.qf1.*`, `log_alpha`, and the Adam moments
    /// `optimizer.<network>.exp_avg` / `.exp_avg_sq` as flat vectors; `learner.json` the rest.
    var checkpointItems: [CheckpointItem] {
        var items: [CheckpointItem] = [.network(actor, regions: actorRegions, prefix: "actor.")]
        items += critics.checkpointItems
        items.append(.optimizer(actorOptimizer, name: "optimizer.actor"))
        items.append(.vector(logAlpha, name: "log_alpha"))
        if let alphaOptimizer { items.append(.optimizer(alphaOptimizer, name: "optimizer.log_alpha")) }
        if let behaviorModel {  // --actor-gradient truncated-is: μ̂ as `behavior.*` (the policy names)
            items.append(.network(behaviorModel.actor, regions: GaussianPolicy.regions(of: behaviorModel.actor, actionSize: actionSize),
                                  prefix: "behavior."))
            items.append(.optimizer(behaviorModel.actorOptimizer, name: "optimizer.behavior"))
        }
        return items
    }

    var sourceConfig: any LearnerConfig { config }

    /// From the optimisers' own checks in their last steps (no extra pass over the parameters).
    public var parametersAreFinite: Bool {
        actorOptimizer.lastStepWasFinite && critics.parametersAreFinite && logAlpha.base[0].isFinite
    }
}
