import Randomness
import ReplayStore
import Transitions

/// What the training loop needs from a replay store: append what it collects, sample what it
/// learns from. `ReplayStore` conforms (see `ReplayStore+TransitionStore.swift`).
public protocol TransitionStore: AnyObject {
    /// Live transitions the store holds.
    var transitionCount: Int { get throws }
    func append(_ batch: TransitionBatch) throws
    /// Fills `batch` with `batchSize` transitions drawn uniformly from the live ones.
    func sample(batchSize: Int, using generator: inout SeededGenerator, into batch: inout TransitionBatch) throws
    /// Fills `batch` with `batchSize` transitions, `demonstrationCount` of them from the global indices
    /// `demonstrations` and the rest from the live transitions after them.
    func sample(batchSize: Int, demonstrations: Range<Int>, demonstrationCount: Int, using generator: inout SeededGenerator,
                into batch: inout TransitionBatch) throws
    /// Fills `batch` with `count` runs of `length` consecutive transitions of one episode each
    /// (sequence-major), drawn uniformly over the valid starts.
    func sampleSequences(count: Int, length: Int, using generator: inout SeededGenerator, into batch: inout TransitionBatch) throws
    /// Makes everything appended so far durable.
    func sync() throws
}
