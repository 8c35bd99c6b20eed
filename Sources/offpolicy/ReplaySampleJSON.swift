/// The `replay sample --json` object (snake_case keys). JSON has no NaN or infinity: a non-finite
/// value (for example the NaN behavior log-probability of a transition whose behavior policy is
/// unknown) is written as `null`.
struct SampledBatchJSON: Encodable {
    var batchSize: Int
    var observations: [[Float?]]
    var actions: [[Float?]]
    var rewards: [Float?]
    var nextObservations: [[Float?]]
    var terminated: [Bool]
    var truncated: [Bool]
    var behaviorLogProbabilities: [Float?]
    var episodeIds: [UInt64]
    var stepIndices: [UInt32]
    var sources: [String]
    /// With `--prioritized`: each row's store index and importance weight (absent otherwise).
    var indices: [UInt64]?
    var weights: [Float]?
}
