/// What a prioritized batch carries beside its transitions: for row r, the store index of the transition
/// (its global index, what `PrioritizedTransitionSampler.updatePriorities(indices:priorities:)` takes) and
/// its importance weight (see `PrioritySettings`).
public struct PrioritizedSample: Equatable, Sendable {
    /// The global index of each row's transition in the store.
    public var indices: [UInt64]
    /// The importance weight of each row, in (0, 1].
    public var weights: [Float]

    /// `count` rows of index 0 and weight 1, for a sampler to overwrite.
    public init(count: Int = 0) {
        indices = [UInt64](repeating: 0, count: count)
        weights = [Float](repeating: 1, count: count)
    }

    public init(indices: [UInt64], weights: [Float]) {
        self.indices = indices
        self.weights = weights
    }
}
