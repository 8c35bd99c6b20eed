import Datasets
import Foundation
import Learners
import Randomness
import Transitions

/// Estimates a policy's expected discounted return from the start states of a logged dataset's episodes,
/// with every estimator asked for that the data and the policy allow.
///
/// How each treats an episode's end:
/// - **terminated**: the return ends there, for every estimator (FQE's target has no bootstrap term).
/// - **truncated** (a time limit) or **unfinished**: IS, WIS, PDIS, WPDIS, DR and WDR sum to the last recorded
///   step (there is no more data), so they estimate the discounted return over the data's horizon; FQE
///   bootstraps through truncation (y = r + γ Q̄(s', a')), so V̂(s₀) estimates the discounted return without
///   the time limit. The two differ by the discounted value beyond the limit (γ^T V(s_T); for γ = 0.99 and
///   T = 200, 0.134 · V(s_T)). DR and WDR keep the IS family's horizon: the model enters as a control variate.
public enum PolicyEvaluation {
    /// Steps per block when computing log π over the dataset.
    static let block = 4096

    /// Evaluates `learner` (named `policy` in messages) on `dataset` (named `datasetName`). `progress` is called
    /// after each FQE update with the updates done and the recent loss. Throws `EvaluationRefusal`.
    public static func run(_ learner: any Learner, policy: String, on dataset: LoggedDataset, datasetName: String,
                           settings: EvaluationSettings,
                           progress: (_ updates: Int, _ recentLoss: Double) -> Void = { _, _ in }) throws -> EvaluationReport {
        guard learner.observationSize == dataset.observationSize, learner.actionSize == dataset.actionSize else {
            throw EvaluationRefusal.widthMismatch(policy: policy, policyWidths: (learner.observationSize, learner.actionSize),
                                                  dataset: datasetName, datasetWidths: (dataset.observationSize, dataset.actionSize))
        }
        guard dataset.count > 0 else { throw EvaluationRefusal.noEpisodes(dataset: datasetName) }
        let target = TargetPolicy(learner, deterministic: settings.deterministic)
        let ratioProblem = importanceRatioProblem(learner, policy: policy, target: target, dataset: dataset, datasetName: datasetName)
        var skipped: [SkippedEstimator] = []
        var estimators: [Estimator] = []
        for estimator in settings.estimators {
            if estimator.needsImportanceRatios, let ratioProblem {
                skipped.append(SkippedEstimator(estimator: estimator, reason: ratioProblem))
            } else {
                estimators.append(estimator)
            }
        }
        guard !estimators.isEmpty else { throw EvaluationRefusal.nothingToEstimate(skipped) }

        let starts = episodeStarts(dataset)
        let logRatios = ratioProblem == nil ? self.logRatios(target, dataset) : [Double](repeating: 0, count: dataset.count)
        let episodes = starts.indices.map { e -> LoggedEpisode in
            let start = starts[e], length = dataset.episodeLengths[e], last = start + length - 1
            let end: EpisodeEnd = dataset.terminals[last] ? .terminated : dataset.timeouts[last] ? .truncated : .unfinished
            return LoggedEpisode(rewards: dataset.rewards[start...last].map(Double.init), logRatios: Array(logRatios[start...last]), end: end)
        }
        let weighted = WeightedEpisodes(episodes, discount: settings.discount, clip: settings.clip)

        var fitted: [FittedValues]? = nil
        var fqeTransitions: Int? = nil, fqeFinalLoss: Double? = nil
        if estimators.contains(where: \.needsFittedQ) {
            let transitions = dataset.transitions(firstEpisodeID: 0).batch
            var initial = SeededGenerator(seed: settings.seed, stream: 1)
            let fqe = FittedQEvaluation(observationSize: dataset.observationSize, actionSize: dataset.actionSize,
                                        discount: settings.discount, config: settings.fqe, generator: &initial)
            if settings.fqe.clipsToRewardRange {
                fqe.valueRange = FittedQEvaluation.valueRange(rewards: transitions.rewards, discount: settings.discount)
            }
            var sampling = SeededGenerator(seed: settings.seed, stream: 2)
            fqeFinalLoss = fqe.fit(transitions, policy: target, using: &sampling, progress: progress)
            fqeTransitions = transitions.count
            fitted = fittedValues(fqe, target: target, dataset: dataset, starts: starts,
                                  everyStep: estimators.contains { $0 == .doublyRobust || $0 == .weightedDoublyRobust }, seed: settings.seed)
        }

        let all = Array(0..<episodes.count)
        let results = estimators.map { estimator -> EstimateResult in
            let value = OffPolicyEstimate.value(estimator, episodes: weighted, fitted: fitted, sample: all)
            let interval = EpisodeBootstrap.interval(episodes: episodes.count, resamples: settings.bootstrapResamples, seed: settings.seed) {
                OffPolicyEstimate.value(estimator, episodes: weighted, fitted: fitted, sample: $0)
            }
            let weights = estimator.needsImportanceRatios
            return EstimateResult(estimator: estimator, value: value.isFinite ? value : nil, lower: interval?.lower, upper: interval?.upper,
                                  effectiveSampleSize: OffPolicyEstimate.effectiveSampleSize(estimator, episodes: weighted).flatMap { $0.isFinite ? $0 : nil },
                                  clippedShare: weights ? weighted.clippedShare : nil, zeroShare: weights ? weighted.zeroShare : nil)
        }
        return EvaluationReport(policy: policy, dataset: datasetName, episodes: episodes.count, steps: dataset.count,
                                fqeTransitions: fqeTransitions, fqeUpdates: fqeTransitions == nil ? nil : settings.fqe.updates,
                                fqeFinalLoss: fqeFinalLoss.flatMap { $0.isFinite ? $0 : nil },
                                terminatedEpisodes: episodes.filter { $0.end == .terminated }.count,
                                truncatedEpisodes: episodes.filter { $0.end == .truncated }.count,
                                unfinishedEpisodes: episodes.filter { $0.end == .unfinished }.count,
                                settings: settings, targetPolicy: target.deterministic ? "deterministic" : "stochastic",
                                estimates: results, skipped: skipped)
    }

    /// Why importance ratios π/μ cannot be formed, in one sentence; nil when they can.
    static func importanceRatioProblem(_ learner: any Learner, policy: String, target: TargetPolicy, dataset: LoggedDataset,
                                       datasetName: String) -> String? {
        if !TargetPolicy.hasDensity(learner) {
            return "the \(type(of: learner)) policy of \(policy) acts deterministically and has no density π(a|s), so the importance ratios π/μ do not exist and only FQE applies"
        }
        if target.deterministic {
            return "the deterministic action (--deterministic) has no density π(a|s), so the importance ratios π/μ do not exist and only FQE applies"
        }
        let key = D4RLFile.logProbabilitiesKey
        guard let logs = dataset.behaviorLogProbabilities else {
            return "the dataset \(datasetName) has no behavior log-probabilities (key \(key)), so the importance ratios π/μ are unknown"
        }
        let unknown = logs.filter(\.isNaN).count
        if unknown > 0 {
            return "\(unknown) of the \(logs.count) steps of the dataset \(datasetName) have no behavior log-probability (NaN in \(key)), so the importance ratios π/μ are unknown"
        }
        return nil
    }

    /// The first row of each episode.
    static func episodeStarts(_ dataset: LoggedDataset) -> [Int] {
        var starts: [Int] = []
        var row = 0
        for length in dataset.episodeLengths {
            starts.append(row)
            row += length
        }
        return starts
    }

    /// log π(a_t|s_t) − log μ(a_t|s_t) for every row.
    static func logRatios(_ target: TargetPolicy, _ dataset: LoggedDataset) -> [Double] {
        let o = dataset.observationSize, a = dataset.actionSize, behavior = dataset.behaviorLogProbabilities!
        var result: [Double] = []
        result.reserveCapacity(dataset.count)
        var start = 0
        while start < dataset.count {
            let end = min(start + block, dataset.count)
            let logPi = target.logProbabilities(observations: Array(dataset.observations[(start * o)..<(end * o)]),
                                                actions: Array(dataset.actions[(start * a)..<(end * a)]))!
            for row in start..<end { result.append(Double(logPi[row - start]) - Double(behavior[row])) }
            start = end
        }
        return result
    }

    /// Q̂(s_t, a_t) and V̂(s_t) at every step of every episode (`everyStep`, for DR and WDR), or V̂(s₀) alone.
    static func fittedValues(_ fqe: FittedQEvaluation, target: TargetPolicy, dataset: LoggedDataset, starts: [Int],
                             everyStep: Bool, seed: UInt64) -> [FittedValues] {
        let o = dataset.observationSize
        var generator = SeededGenerator(seed: seed, stream: 3)
        guard everyStep else {
            let observations = starts.flatMap { dataset.observations[($0 * o)..<(($0 + 1) * o)] }
            return fqe.stateValues(observations: observations, policy: target, using: &generator).map {
                FittedValues(actionValues: [.nan], stateValues: [$0])
            }
        }
        let actionValues = fqe.actionValues(observations: dataset.observations, actions: dataset.actions)
        let stateValues = fqe.stateValues(observations: dataset.observations, policy: target, using: &generator)
        return starts.indices.map { e in
            let range = starts[e]..<(starts[e] + dataset.episodeLengths[e])
            return FittedValues(actionValues: Array(actionValues[range]), stateValues: Array(stateValues[range]))
        }
    }
}
