/// Raw pointers to the columns of a `TransitionBatch`, valid inside `TransitionBatch.withUnsafeMutableColumns`.
public struct BatchColumns {
    public let observations: UnsafeMutablePointer<Float>
    public let actions: UnsafeMutablePointer<Float>
    public let rewards: UnsafeMutablePointer<Float>
    public let nextObservations: UnsafeMutablePointer<Float>
    public let behaviorLogProbabilities: UnsafeMutablePointer<Float>
    public let episodeIDs: UnsafeMutablePointer<UInt64>
    public let stepIndices: UnsafeMutablePointer<UInt32>
    public let terminated: UnsafeMutablePointer<Bool>
    public let truncated: UnsafeMutablePointer<Bool>
    public let sources: UnsafeMutablePointer<TransitionSource>
}
