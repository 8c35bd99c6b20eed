import Foundation

/// The estimators as pure functions of weighted episodes (and, for FQE, DR and WDR, the fitted values),
/// evaluated on a sample of episode indices: all of them for the estimate, a resample for the bootstrap.
///
/// With n episodes in the sample, w_{i,t} the per-decision weights (`WeightedEpisodes`), W_i = w_{i,T_i−1},
/// G_i = Σ_t γ^t r_{i,t}, Q̂ and V̂ the fitted values, w_{i,−1} = 1:
///
///     IS    = (1/n) Σ_i W_i G_i
///     WIS   = Σ_i W_i G_i / Σ_i W_i
///     PDIS  = (1/n) Σ_i Σ_t γ^t w_{i,t} r_{i,t}
///     WPDIS = Σ_t γ^t Σ_i w_{i,t} r_{i,t} / Σ_i w_{i,t}
///     FQE   = (1/n) Σ_i V̂(s_{i,0})
///     DR    = (1/n) Σ_i Σ_t γ^t [w_{i,t} (r_{i,t} − Q̂(s_{i,t}, a_{i,t})) + w_{i,t−1} V̂(s_{i,t})]        (Jiang & Li 2016)
///     WDR   = Σ_t γ^t Σ_i [ŵ_{i,t} (r_{i,t} − Q̂(s_{i,t}, a_{i,t})) + ŵ_{i,t−1} V̂(s_{i,t})]               (Thomas & Brunskill 2016)
///
/// with ŵ_{i,t} = w_{i,t} / Σ_j w_{j,t} and ŵ_{i,−1} = 1/n. Sums over t run to each episode's recorded end; a
/// finished episode's weight carries on in the normalisers with zero reward and zero values (see
/// `WeightedEpisodes`). A weighted estimate whose normaliser is zero (every weight zero) is NaN (undefined).
public enum OffPolicyEstimate {
    /// The estimate of `estimator` over the episodes `sample` (indices into `episodes`, repeats allowed).
    /// `fitted` (one per episode) is needed by FQE, DR and WDR.
    public static func value(_ estimator: Estimator, episodes: WeightedEpisodes, fitted: [FittedValues]? = nil, sample: [Int]) -> Double {
        precondition(!sample.isEmpty, "an estimate needs at least one episode")
        precondition(!estimator.needsFittedQ || fitted?.count == episodes.count, "\(estimator.rawValue) needs the fitted values of every episode")
        let n = Double(sample.count)
        switch estimator {
        case .importanceSampling:
            return sample.reduce(0.0) { $0 + exp(episodes.trajectoryLogWeight($1)) * episodes.discountedReturns[$1] } / n
        case .weightedImportanceSampling:
            let largest = sample.map { episodes.trajectoryLogWeight($0) }.max()!
            guard largest > -.infinity else { return .nan }
            var numerator = 0.0, denominator = 0.0
            for i in sample {
                let w = exp(episodes.trajectoryLogWeight(i) - largest)
                numerator += w * episodes.discountedReturns[i]
                denominator += w
            }
            return numerator / denominator
        case .perDecisionImportanceSampling:
            var total = 0.0
            for i in sample {
                let rewards = episodes.episodes[i].rewards, logWeights = episodes.logWeights[i]
                for t in rewards.indices { total += episodes.discountPowers[t] * exp(logWeights[t]) * rewards[t] }
            }
            return total / n
        case .weightedPerDecisionImportanceSampling:
            return normalisedSum(episodes, sample: sample) { i, t, weight, _ in weight * episodes.episodes[i].rewards[t] }
        case .fittedQEvaluation:
            return sample.reduce(0.0) { $0 + fitted![$1].stateValues[0] } / n
        case .doublyRobust:
            var total = 0.0
            for i in sample {
                let rewards = episodes.episodes[i].rewards, logWeights = episodes.logWeights[i], values = fitted![i]
                var previous = 1.0
                for t in rewards.indices {
                    let weight = exp(logWeights[t])
                    total += episodes.discountPowers[t] * (weight * (rewards[t] - values.actionValues[t]) + previous * values.stateValues[t])
                    previous = weight
                }
            }
            return total / n
        case .weightedDoublyRobust:
            return normalisedSum(episodes, sample: sample) { i, t, weight, previousWeight in
                let values = fitted![i]
                return weight * (episodes.episodes[i].rewards[t] - values.actionValues[t]) + previousWeight * values.stateValues[t]
            }
        }
    }

    /// Σ_t γ^t Σ_{i: t < T_i} term(i, t, ŵ_{i,t}, ŵ_{i,t−1}) with the self-normalised per-decision weights
    /// (ŵ_{i,−1} = 1/n); NaN when every weight at some step is zero.
    private static func normalisedSum(_ episodes: WeightedEpisodes, sample: [Int],
                                      term: (_ episode: Int, _ step: Int, _ weight: Double, _ previousWeight: Double) -> Double) -> Double {
        let horizon = sample.map { episodes.episodes[$0].length }.max()!
        var previous = [Double](repeating: 1 / Double(sample.count), count: sample.count)
        var current = previous
        var total = 0.0
        for t in 0..<horizon {
            let largest = sample.map { episodes.paddedLogWeight($0, at: t) }.max()!
            guard largest > -.infinity else { return .nan }
            var normaliser = 0.0
            for (slot, i) in sample.enumerated() {
                current[slot] = exp(episodes.paddedLogWeight(i, at: t) - largest)
                normaliser += current[slot]
            }
            var sum = 0.0
            for (slot, i) in sample.enumerated() {
                current[slot] /= normaliser
                if t < episodes.episodes[i].length { sum += term(i, t, current[slot], previous[slot]) }
            }
            total += episodes.discountPowers[t] * sum
            swap(&previous, &current)
        }
        return total
    }

    /// The effective sample size (Σ w)² / Σ w² of the weights `estimator` uses, over every episode: of the
    /// trajectory weights for IS and WIS; for PDIS, WPDIS, DR and WDR the smallest over steps t of that of
    /// the per-decision weights w_{·,t} (padded past each episode's end). Nil for FQE (no weights); 0 when
    /// every weight is zero.
    public static func effectiveSampleSize(_ estimator: Estimator, episodes: WeightedEpisodes) -> Double? {
        guard estimator.needsImportanceRatios else { return nil }
        let all = Array(0..<episodes.count)
        if !estimator.isPerDecision { return effectiveSampleSize(logWeights: all.map { episodes.trajectoryLogWeight($0) }) }
        let horizon = episodes.episodes.map(\.length).max()!
        return (0..<horizon).map { t in effectiveSampleSize(logWeights: all.map { episodes.paddedLogWeight($0, at: t) }) }.min()!
    }

    /// (Σ w)² / Σ w² of w = exp(logWeights), computed scaled by the largest weight.
    public static func effectiveSampleSize(logWeights: [Double]) -> Double {
        let largest = logWeights.max() ?? -.infinity
        guard largest > -.infinity else { return 0 }
        var sum = 0.0, squares = 0.0
        for logWeight in logWeights {
            let w = exp(logWeight - largest)
            sum += w
            squares += w * w
        }
        return sum * sum / squares
    }
}
