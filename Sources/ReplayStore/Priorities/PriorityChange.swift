/// One change a write transaction made to the stored priorities, applied to this process's
/// `PriorityIndex` only once the transaction committed (an aborted one leaves the index as it was).
enum PriorityChange {
    /// Rows `first ..< first + priorities.count` of `chunk` were appended with these priorities.
    case rows(chunk: UInt64, first: Int, priorities: [Float], demonstrations: [Bool])
    /// Transition `indices[k]` (a global index, live) was set to priority `priorities[k]`, in order.
    case priorities(indices: [UInt64], priorities: [Float])
    /// An unpinned chunk was evicted.
    case evicted(chunk: UInt64)
}
