/// The fitted Q-function's values along one logged episode: Q̂(s_t, a_t) at the logged actions and
/// V̂(s_t) = E_{a∼π} Q̂(s_t, a), the direct-method part of DR and WDR (FQE's own estimate is V̂(s₀)).
public struct FittedValues: Equatable, Sendable {
    public var actionValues: [Double]
    public var stateValues: [Double]

    public init(actionValues: [Double], stateValues: [Double]) {
        precondition(actionValues.count == stateValues.count, "one action value and one state value per step")
        self.actionValues = actionValues
        self.stateValues = stateValues
    }
}
