/// Why an evaluation cannot start, each one sentence.
public enum EvaluationRefusal: Error, Equatable, CustomStringConvertible {
    /// The policy's observation or action width differs from the dataset's.
    case widthMismatch(policy: String, policyWidths: (observation: Int, action: Int), dataset: String, datasetWidths: (observation: Int, action: Int))
    /// The dataset holds no complete step.
    case noEpisodes(dataset: String)
    /// Every estimator asked for was refused; the reasons of each.
    case nothingToEstimate([SkippedEstimator])

    public var description: String {
        switch self {
        case let .widthMismatch(policy, policyWidths, dataset, datasetWidths):
            return "the policy \(policy) takes \(policyWidths.observation)-d observations and \(policyWidths.action)-d actions, but the dataset \(dataset) holds \(datasetWidths.observation)-d observations and \(datasetWidths.action)-d actions"
        case let .noEpisodes(dataset):
            return "the dataset \(dataset) holds no transitions to evaluate on"
        case let .nothingToEstimate(skipped):
            var reasons: [String] = []
            for entry in skipped where !reasons.contains(entry.reason) { reasons.append(entry.reason) }
            return reasons.joined(separator: "; ")
        }
    }

    public static func == (left: EvaluationRefusal, right: EvaluationRefusal) -> Bool { left.description == right.description }
}
