import Transitions

/// A rollout as the update phase uses it: the networks' inputs, V(s) and V(s') before the update,
/// the GAE(λ) advantages and the λ-returns Â + V(s) that the value function regresses onto.
struct PreparedRollout {
    var rows: Int
    /// rows × observationSize, normalised with the statistics the rollout was acted on.
    var input: [Float]
    var actions: [Float]
    var values: [Double]
    var nextValues: [Double]
    var advantages: [Double]
    var returns: [Double]
    /// log π_old(a|s), the policy before the update (the one that acted).
    var logProbabilities: [Double]

    init(_ rollout: TransitionBatch, segments: Int, discount: Double, lambda: Double, networks: GaussianActorCritic) {
        let count = rollout.count
        rows = count
        input = rollout.observations.withUnsafeBufferPointer { networks.input($0.baseAddress!, rows: count) }
        let nextInput = rollout.nextObservations.withUnsafeBufferPointer { networks.input($0.baseAddress!, rows: count) }
        actions = rollout.actions
        values = networks.values(ofInput: input, rows: rows)
        nextValues = networks.values(ofInput: nextInput, rows: rows)
        advantages = GeneralizedAdvantageEstimation.advantages(
            rewards: rollout.rewards, values: values, nextValues: nextValues, terminated: rollout.terminated,
            truncated: rollout.truncated, segments: segments, discount: discount, lambda: lambda)
        returns = zip(advantages, values).map { $0 + $1 }
        logProbabilities = networks.logProbabilities(ofInput: input, actions: actions, rows: rows)
    }

    /// 1 − Var(R − V)/Var(R) of the value function before the update (SB3's `explained_variance`).
    var explainedVariance: Double {
        func variance(_ x: [Double]) -> Double {
            let mean = x.reduce(0, +) / Double(x.count)
            return x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count)
        }
        let total = variance(returns)
        return total == 0 ? .nan : 1 - variance(zip(returns, values).map { $0 - $1 }) / total
    }
}
