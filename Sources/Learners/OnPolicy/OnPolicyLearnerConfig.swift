/// The config of an on-policy learner: a `LearnerConfig` with the settings the on-policy learners share.
public protocol OnPolicyLearnerConfig: LearnerConfig {
    var onPolicy: OnPolicyHyperparameters { get set }
    /// Updates on replayed data after each rollout update (A2C's replay ratio). Default 0.
    var replayUpdatesPerRollout: Int { get }
}

extension OnPolicyLearnerConfig {
    public var replayUpdatesPerRollout: Int { 0 }
}
