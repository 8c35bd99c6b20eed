/// A store that is both where a loop's transitions go and where its batches come from, as a
/// `ReplayStore` is: what the training loops take.
public typealias TransitionStore = TransitionSampler & TransitionSink
