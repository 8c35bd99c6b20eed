import Randomness

/// A sampler that can also draw transitions in proportion to their priorities and take new priorities
/// back: prioritized experience replay. `ReplayStore` conforms.
public protocol PrioritizedTransitionSampler: TransitionSampler {
    /// Fills `batch` with `batchSize` transitions drawn independently (with replacement) with probability
    /// P(i) = q_i / Σ q_j (see `PrioritySettings`), and `sample` with each row's store index and importance weight.
    func samplePrioritized(batchSize: Int, settings: PrioritySettings, using generator: inout SeededGenerator,
                           into batch: inout TransitionBatch, sample: inout PrioritizedSample) throws
    /// Fills `batch` with `count` runs of `length` consecutive transitions (sequence-major, valid as
    /// `TransitionSampler.sampleSequences` defines them for `windows`), each drawn independently with
    /// probability q_g / Σ q_j over the valid starts g, by the priority of its first transition; `sample`
    /// holds one entry per run: its first transition's store index and the run's importance weight.
    func samplePrioritizedSequences(count: Int, length: Int, windows: SequenceWindows, settings: PrioritySettings,
                                    using generator: inout SeededGenerator, into batch: inout TransitionBatch,
                                    sample: inout PrioritizedSample) throws
    /// Sets the stored priority of the transition at `indices[k]` to `priorities[k]` (|δ|, finite and ≥ 0),
    /// all in one durable commit; on any bad value or index nothing changes.
    func updatePriorities(indices: [UInt64], priorities: [Float]) throws
}
