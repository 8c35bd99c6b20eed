import Learners
import Randomness

/// The policy being evaluated: a learner's stochastic policy π (the one `act(on:deterministic: false, using:)`
/// samples, whose density `ActionDensity` gives), or its deterministic action (`deterministic`), which has no
/// density. A learner without a density (TD3, DDPG, TD3+BC, a deterministic behavior-cloning policy) is always
/// evaluated by its deterministic action.
public struct TargetPolicy {
    public let learner: any Learner
    /// Whether actions are the deterministic ones (SAC: tanh of the mean; TD3: μ(s) without noise).
    public let deterministic: Bool

    /// `deterministic` is forced on for a learner whose policy has no density.
    public init(_ learner: any Learner, deterministic: Bool) {
        self.learner = learner
        self.deterministic = deterministic || !TargetPolicy.hasDensity(learner)
    }

    /// Whether the learner's stochastic policy has a density.
    public static func hasDensity(_ learner: any Learner) -> Bool {
        guard let density = learner as? any ActionDensity else { return false }
        let probe = density.policyLogProbabilities(observations: [Float](repeating: 0, count: learner.observationSize),
                                                   actions: [Float](repeating: 0, count: learner.actionSize))
        return probe != nil
    }

    /// log π(a|s) at logged actions, rows × actionSize in environment units; nil for a deterministic target.
    public func logProbabilities(observations: [Float], actions: [Float]) -> [Float]? {
        guard !deterministic, let density = learner as? any ActionDensity else { return nil }
        return density.policyLogProbabilities(observations: observations, actions: actions)
    }

    /// One action per row of `observations` (rows × observationSize), drawn from π or deterministic.
    public func actions(observations: UnsafePointer<Float>, rows: Int, using generator: inout SeededGenerator) -> [Float] {
        let o = learner.observationSize, a = learner.actionSize
        var result = [Float](repeating: 0, count: rows * a)
        for r in 0..<rows {
            let chosen = learner.act(on: Array(UnsafeBufferPointer(start: observations + r * o, count: o)),
                                     deterministic: deterministic, using: &generator)
            for j in 0..<a { result[r * a + j] = chosen.action[j] }
        }
        return result
    }
}
