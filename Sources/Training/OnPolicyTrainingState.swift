import Environments
import Learners
import Randomness

/// Everything about an on-policy run in progress that is not in the learner or the store, saved as
/// `checkpoint/state.json` at a rollout boundary: counters, every environment copy (its snapshot,
/// current observation and episode in progress), every random stream and the metrics summed so far.
struct OnPolicyTrainingState: Codable, Equatable {
    /// One environment copy's episode in progress.
    struct Copy: Codable, Equatable {
        var observation: [Float]
        var environment: EnvironmentSnapshot
        var episodeID: UInt64
        var episodeReturn = 0.0
        var episodeLength = 0
    }

    var environmentSteps = 0
    /// Finished training episodes over all copies.
    var episodes = 0
    /// Learner updates: one per rollout, plus the replay updates.
    var updates = 0
    var rollouts = 0
    var copies: [Copy]
    /// The id the next episode to start gets (copy c's first episode is c).
    var nextEpisodeID: UInt64
    var recentReturns: [Double] = []
    /// The policy's exploration noise.
    var explorationGenerator: SeededGenerator
    /// Which sequences the replay updates draw from the store.
    var samplingGenerator: SeededGenerator
    /// The learner's own randomness during updates (minibatch order).
    var updateGenerator: SeededGenerator
    var progressRows = 0
    var metricsRows = 0
    var metrics = MetricsAccumulator()
    var storedTransitions = 0
    var elapsedSeconds = 0.0

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
}
