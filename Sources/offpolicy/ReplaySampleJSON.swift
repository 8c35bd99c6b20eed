/// The `replay sample --json` object (snake_case keys).
struct SampledBatchJSON: Encodable {
    var batchSize: Int
    var observations: [[Float]]
    var actions: [[Float]]
    var rewards: [Float]
    var nextObservations: [[Float]]
    var terminated: [Bool]
    var truncated: [Bool]
    var behaviorLogProbabilities: [Float]
    var episodeIds: [UInt64]
    var stepIndices: [UInt32]
    var sources: [String]
}
