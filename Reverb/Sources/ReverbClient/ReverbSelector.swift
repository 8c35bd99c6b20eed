/// How a table picks the item to sample (its sampler) or to remove (its remover).
public enum ReverbSelector: Equatable, Sendable {
    case uniform
    /// Probability proportional to priority raised to `exponent`.
    case prioritized(exponent: Double)
    case fifo
    case lifo
    /// Lowest (`minHeap`) or highest priority first.
    case heap(minHeap: Bool)
    /// A selector this client does not know.
    case unknown
}
