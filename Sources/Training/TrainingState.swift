import Environments
import Randomness

/// Everything about a run in progress that is not in the learner or the store: counters, the
/// training environment, the current observation, every random stream and the metrics averaged so
/// far. Saved as `checkpoint/state.json`; restoring it (with the learner checkpoint) continues the run exactly.
struct TrainingState: Codable, Equatable {
    var environmentSteps = 0
    /// Finished training episodes; also the id of the episode in progress.
    var episodes = 0
    var updates = 0
    var episodeReturn = 0.0
    var episodeLength = 0
    /// Returns of the last (up to) `recentReturnWindow` finished training episodes.
    var recentReturns: [Double] = []
    var observation: [Float]
    var environment: EnvironmentSnapshot
    /// Warm-up actions and the learner's exploration.
    var explorationGenerator: SeededGenerator
    /// Which transitions the store hands out.
    var samplingGenerator: SeededGenerator
    /// The learner's own randomness during updates (SAC's reparameterization noise, TD3's target noise).
    var updateGenerator: SeededGenerator
    /// Rows in progress.csv when this state was saved.
    var progressRows = 0
    /// Rows in metrics.csv when this state was saved, and the metrics summed since the last of them.
    var metricsRows = 0
    var metrics = MetricsAccumulator()
    /// `transitionCount` of the store when this state was saved.
    var storedTransitions = 0
    /// Wall-clock seconds spent training, for reporting only.
    var elapsedSeconds = 0.0

    static let recentReturnWindow = 10

    init(seed: UInt64, observation: [Float], environment: EnvironmentSnapshot) {
        self.observation = observation
        self.environment = environment
        explorationGenerator = SeededGenerator(seed: seed, stream: 1)
        samplingGenerator = SeededGenerator(seed: seed, stream: 2)
        updateGenerator = SeededGenerator(seed: seed, stream: 3)
    }

    var recentReturnMean: Double {
        recentReturns.isEmpty ? .nan : recentReturns.reduce(0, +) / Double(recentReturns.count)
    }

    /// The count the run's length is measured in: environment steps online, updates offline.
    func progress(in mode: TrainingMode) -> Int {
        mode == .online ? environmentSteps : updates
    }
}
