/// What `offpolicy dataset info` reports about a dataset.
public struct DatasetSummary: Codable, Equatable, Sendable {
    public var format: DatasetFormat
    public var transitions: Int
    public var episodes: Int
    /// Undiscounted return of each episode (an unfinished last episode included): mean, population
    /// standard deviation, minimum and maximum. Zero when there is no episode.
    public var returnMean: Double
    public var returnStd: Double
    public var returnMin: Double
    public var returnMax: Double
    /// Whether the dataset carries behavior log-probabilities (`infos/action_log_probs`).
    public var hasBehaviorLogProbabilities: Bool
    public var observationSize: Int
    public var actionSize: Int
    public var environmentID: String?
    public var notes: [String]

    public init(_ dataset: LoggedDataset) {
        var returns: [Double] = []
        var start = 0
        for length in dataset.episodeLengths {
            returns.append(dataset.rewards[start..<(start + length)].reduce(0.0) { $0 + Double($1) })
            start += length
        }
        let mean = returns.isEmpty ? 0 : returns.reduce(0, +) / Double(returns.count)
        let variance = returns.isEmpty ? 0 : returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count)
        format = dataset.format
        transitions = dataset.count
        episodes = returns.count
        returnMean = mean
        returnStd = variance.squareRoot()
        returnMin = returns.min() ?? 0
        returnMax = returns.max() ?? 0
        hasBehaviorLogProbabilities = dataset.behaviorLogProbabilities != nil
        observationSize = dataset.observationSize
        actionSize = dataset.actionSize
        environmentID = dataset.environmentID
        notes = dataset.notes
    }
}
