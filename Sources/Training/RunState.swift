import Environments
import Randomness

/// Everything about a run in progress that is not in the learner or the store, for both loops: counters,
/// every training environment copy (its snapshot, current observation and episode in progress), the
/// recent returns, every random stream and the metrics summed so far. Saved as `checkpoint/state.json`;
/// restoring it (with the learner checkpoint) continues the run exactly.
///
/// The off-policy loop steps one copy. A `state.json` written before both loops shared this state (the
/// off-policy loop's episode fields at the top level, no `copies`) still decodes, as one copy.
struct RunState: Codable, Equatable {
    /// One training environment copy's episode in progress.
    struct Copy: Codable, Equatable {
        var observation: [Float]
        var environment: EnvironmentSnapshot
        /// The run's id of the episode in progress (the store's id is this plus the run's offset, the
        /// number of pre-filled demonstration episodes).
        var episodeID: UInt64
        var episodeReturn = 0.0
        var episodeLength = 0
    }

    var environmentSteps = 0
    /// Finished training episodes over all copies.
    var episodes = 0
    /// Learner updates (on-policy: one per rollout, plus the replay updates).
    var updates = 0
    /// On-policy rollouts learned from (0 for the off-policy loop).
    var rollouts = 0
    var copies: [Copy]
    /// The id the next episode to start gets (copy c's first episode is c).
    var nextEpisodeID: UInt64
    /// Returns of the last (up to) `recentReturnWindow` finished training episodes.
    var recentReturns: [Double] = []
    /// Warm-up actions and the learner's exploration.
    var explorationGenerator: SeededGenerator
    /// Which transitions (or sequences) the sampler hands out.
    var samplingGenerator: SeededGenerator
    /// The learner's own randomness during updates (SAC's reparameterization noise, TD3's target noise, PPO's minibatch order).
    var updateGenerator: SeededGenerator
    /// Rows in progress.csv when this state was saved.
    var progressRows = 0
    /// Rows in metrics.csv when this state was saved, and the metrics summed since the last of them.
    var metricsRows = 0
    var metrics = MetricsAccumulator()
    /// `transitionCount` of the sink when this state was saved.
    var storedTransitions = 0
    /// Wall-clock seconds spent training, for reporting only.
    var elapsedSeconds = 0.0
    /// The evaluation due at this state was cut short by a stop request: the resumed run evaluates first.
    /// (Written to state.json only when true.)
    var evaluationPending = false

    static let recentReturnWindow = 10

    init(seed: UInt64, copies: [Copy]) {
        self.copies = copies
        nextEpisodeID = UInt64(copies.count)
        explorationGenerator = SeededGenerator(seed: seed, stream: 1)
        samplingGenerator = SeededGenerator(seed: seed, stream: 2)
        updateGenerator = SeededGenerator(seed: seed, stream: 3)
    }

    var recentReturnMean: Double {
        recentReturns.isEmpty ? .nan : recentReturns.reduce(0, +) / Double(recentReturns.count)
    }

    /// The count the run's length is measured in: environment steps online, updates offline.
    func progress(in mode: TrainingMode) -> Int {
        mode.progress(environmentSteps: environmentSteps, updates: updates)
    }

    /// A finished episode's return joins the recent returns.
    mutating func recordEpisode(return episodeReturn: Double) {
        recentReturns.append(episodeReturn)
        if recentReturns.count > Self.recentReturnWindow { recentReturns.removeFirst() }
        episodes += 1
    }

    private enum CodingKeys: String, CodingKey {
        case environmentSteps, episodes, updates, rollouts, copies, nextEpisodeID, recentReturns, explorationGenerator,
             samplingGenerator, updateGenerator, progressRows, metricsRows, metrics, storedTransitions, elapsedSeconds,
             evaluationPending
        // The off-policy loop's own keys before both loops shared this state.
        case observation, environment, episodeReturn, episodeLength
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        environmentSteps = try container.decode(Int.self, forKey: .environmentSteps)
        episodes = try container.decode(Int.self, forKey: .episodes)
        updates = try container.decode(Int.self, forKey: .updates)
        rollouts = try container.decodeIfPresent(Int.self, forKey: .rollouts) ?? 0
        if let copies = try container.decodeIfPresent([Copy].self, forKey: .copies) {
            self.copies = copies
            nextEpisodeID = try container.decode(UInt64.self, forKey: .nextEpisodeID)
        } else {
            // The off-policy form: one copy whose episode id was the count of finished episodes.
            copies = [Copy(observation: try container.decode([Float].self, forKey: .observation),
                           environment: try container.decode(EnvironmentSnapshot.self, forKey: .environment),
                           episodeID: UInt64(episodes),
                           episodeReturn: try container.decode(Double.self, forKey: .episodeReturn),
                           episodeLength: try container.decode(Int.self, forKey: .episodeLength))]
            nextEpisodeID = UInt64(episodes) + 1
        }
        recentReturns = try container.decode([Double].self, forKey: .recentReturns)
        explorationGenerator = try container.decode(SeededGenerator.self, forKey: .explorationGenerator)
        samplingGenerator = try container.decode(SeededGenerator.self, forKey: .samplingGenerator)
        updateGenerator = try container.decode(SeededGenerator.self, forKey: .updateGenerator)
        progressRows = try container.decode(Int.self, forKey: .progressRows)
        metricsRows = try container.decode(Int.self, forKey: .metricsRows)
        metrics = try container.decode(MetricsAccumulator.self, forKey: .metrics)
        storedTransitions = try container.decode(Int.self, forKey: .storedTransitions)
        elapsedSeconds = try container.decode(Double.self, forKey: .elapsedSeconds)
        evaluationPending = try container.decodeIfPresent(Bool.self, forKey: .evaluationPending) ?? false
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(environmentSteps, forKey: .environmentSteps)
        try container.encode(episodes, forKey: .episodes)
        try container.encode(updates, forKey: .updates)
        try container.encode(rollouts, forKey: .rollouts)
        try container.encode(copies, forKey: .copies)
        try container.encode(nextEpisodeID, forKey: .nextEpisodeID)
        try container.encode(recentReturns, forKey: .recentReturns)
        try container.encode(explorationGenerator, forKey: .explorationGenerator)
        try container.encode(samplingGenerator, forKey: .samplingGenerator)
        try container.encode(updateGenerator, forKey: .updateGenerator)
        try container.encode(progressRows, forKey: .progressRows)
        try container.encode(metricsRows, forKey: .metricsRows)
        try container.encode(metrics, forKey: .metrics)
        try container.encode(storedTransitions, forKey: .storedTransitions)
        try container.encode(elapsedSeconds, forKey: .elapsedSeconds)
        if evaluationPending { try container.encode(evaluationPending, forKey: .evaluationPending) }
    }
}
