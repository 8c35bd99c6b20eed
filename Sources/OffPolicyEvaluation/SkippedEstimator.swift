/// An estimator that was asked for but could not be computed, with the one-sentence reason.
public struct SkippedEstimator: Codable, Equatable, Sendable {
    public var estimator: Estimator
    public var reason: String

    public init(estimator: Estimator, reason: String) {
        self.estimator = estimator
        self.reason = reason
    }
}
