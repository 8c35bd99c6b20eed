/// Where the transitions a training loop collects go: appended, made durable at each checkpoint, and
/// counted (a checkpoint records the count; a resumed run checks it). `ReplayStore` conforms.
public protocol TransitionSink: AnyObject {
    /// Live transitions held.
    var transitionCount: Int { get throws }
    func append(_ batch: TransitionBatch) throws
    /// Makes everything appended so far durable.
    func sync() throws
}
