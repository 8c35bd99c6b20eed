/// A Gaussian behavior-cloning policy has SAC's density; a deterministic one has none (nil).
extension BehaviorCloning: ActionDensity {
    public func policyLogProbabilities(observations: [Float], actions: [Float]) -> [Float]? {
        guard config.policy == .gaussian else { return nil }
        return GaussianPolicy.logProbabilities(actor, head: head, actionScale: actionScale, observationSize: observationSize,
                                               observations: observations, actions: actions)
    }
}
