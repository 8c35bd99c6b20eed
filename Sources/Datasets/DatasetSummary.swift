/// What `offpolicy dataset info` reports about a dataset.
public struct DatasetSummary: Codable, Equatable, Sendable {
    public var format: DatasetFormat
    /// Rows of the dataset.
    public var transitions: Int
    /// Rows an import keeps: `transitions` less the rows without a known next observation (a D4RL file
    /// without `next_observations`; see `LoggedDataset.importedRows`).
    public var importedTransitions: Int
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
        importedTransitions = dataset.count - dataset.rowsDroppedOnImport
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
        if importedTransitions < transitions {
            notes.append("an import keeps \(importedTransitions) of the \(transitions) rows: without next_observations, \(transitions - importedTransitions) rows cut by a time limit (and the last row, unless terminal) have no known next observation")
        }
    }
}
