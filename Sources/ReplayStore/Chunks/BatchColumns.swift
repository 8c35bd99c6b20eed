/// Raw pointers to the columns of a `TransitionBatch`, valid inside `TransitionBatch.withColumns`.
struct BatchColumns {
    var observations: UnsafeMutablePointer<Float>
    var actions: UnsafeMutablePointer<Float>
    var rewards: UnsafeMutablePointer<Float>
    var nextObservations: UnsafeMutablePointer<Float>
    var behaviorLogProbabilities: UnsafeMutablePointer<Float>
    var episodeIDs: UnsafeMutablePointer<UInt64>
    var stepIndices: UnsafeMutablePointer<UInt32>
    var terminated: UnsafeMutablePointer<Bool>
    var truncated: UnsafeMutablePointer<Bool>
    var sources: UnsafeMutablePointer<TransitionSource>
}
