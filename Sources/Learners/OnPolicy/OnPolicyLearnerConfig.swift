/// The config of an on-policy learner: a `LearnerConfig` with the settings the on-policy learners share.
public protocol OnPolicyLearnerConfig: LearnerConfig {
    var onPolicy: OnPolicyHyperparameters { get set }
}
