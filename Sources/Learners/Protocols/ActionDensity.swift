/// A learner whose stochastic policy (the one `act(on:deterministic: false, using:)` samples) may have a
/// density, so that off-policy evaluation can weigh logged actions by π(a|s)/μ(a|s).
///
/// Conformances: SAC, CQL and IQL (the tanh-squashed Gaussian actor), and behavior cloning with its
/// Gaussian policy. A behavior-cloning learner with a deterministic policy conforms but has no density.
/// TD3, DDPG and TD3+BC do not conform: their acting policy is deterministic (TD3's target-smoothing
/// Gaussian of `TD3.logProbabilities(observations:actions:standardDeviation:)` is not the policy it acts with).
public protocol ActionDensity: Learner {
    /// log π(a|s) of the stochastic policy at `actions` (environment units, rows × actionSize) in
    /// `observations` (rows × observationSize), in the convention `act` reports (tanh and action-scale
    /// Jacobians included); nil when this learner's policy has no density. Runs the actor's forward pass.
    func policyLogProbabilities(observations: [Float], actions: [Float]) -> [Float]?
}
