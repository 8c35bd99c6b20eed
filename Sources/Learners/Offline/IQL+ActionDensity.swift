/// IQL's actor is SAC's tanh-squashed Gaussian (`GaussianPolicy`).
extension IQL: ActionDensity {
    public func policyLogProbabilities(observations: [Float], actions: [Float]) -> [Float]? {
        GaussianPolicy.logProbabilities(actor, head: head, actionScale: actionScale, observationSize: observationSize,
                                        observations: observations, actions: actions)
    }
}
