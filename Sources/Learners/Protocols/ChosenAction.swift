/// An action chosen by a learner's policy, in environment units, with the log-density of that
/// action under the policy that chose it (the behavior log-probability the store keeps).
/// `logProbability` is NaN when the policy has no density (a deterministic action).
public struct ChosenAction: Sendable {
    public var action: [Float]
    public var logProbability: Float

    public init(action: [Float], logProbability: Float) {
        self.action = action
        self.logProbability = logProbability
    }
}
