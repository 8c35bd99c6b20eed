/// Consecutive rows of a dataset read for a streamed import (see `DatasetBlockReader`).
struct DatasetBlock {
    /// Index of the block's first row in the dataset.
    var firstRow: Int
    /// `count × observationSize`, row-major; likewise `actions` and `nextObservations`.
    var observations: [Float]
    var actions: [Float]
    var rewards: [Float]
    /// nil when the dataset has no `next_observations` (D4RL files may lack it).
    var nextObservations: [Float]?
    var terminals: [Bool]
    var timeouts: [Bool]
    /// nil when the dataset has no behavior log-probabilities (NaN is unknown).
    var behaviorLogProbabilities: [Float]?
    /// Whether each row is the last of its episode.
    var endsEpisode: [Bool]
    /// Without `nextObservations`: the observation of the row after the block, nil when the block ends the dataset.
    var followingObservation: [Float]?

    var count: Int { rewards.count }
}
