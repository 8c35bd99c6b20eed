/// CQL's policy is SAC's.
extension CQL: ActionDensity {
    public func policyLogProbabilities(observations: [Float], actions: [Float]) -> [Float]? {
        sac.logProbabilities(observations: observations, actions: actions)
    }
}
