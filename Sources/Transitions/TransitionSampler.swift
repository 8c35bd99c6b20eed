import Randomness

/// Where a training loop's batches come from: uniform batches, batches with a share of pinned
/// demonstrations, and runs of consecutive transitions. `ReplayStore` conforms; a
/// remote replay server would too.
public protocol TransitionSampler: AnyObject {
    /// Fills `batch` with `batchSize` transitions drawn uniformly from the live ones.
    func sample(batchSize: Int, using generator: inout SeededGenerator, into batch: inout TransitionBatch) throws
    /// Fills `batch` with `batchSize` transitions, `demonstrationCount` of them from the global indices
    /// `demonstrations` and the rest from the live transitions after them.
    func sample(batchSize: Int, demonstrations: Range<Int>, demonstrationCount: Int, using generator: inout SeededGenerator,
                into batch: inout TransitionBatch) throws
    /// Fills `batch` with `count` runs of `length` consecutive transitions of one episode each
    /// (sequence-major), drawn uniformly over the starts `windows` allows.
    func sampleSequences(count: Int, length: Int, windows: SequenceWindows, using generator: inout SeededGenerator,
                         into batch: inout TransitionBatch) throws
}
