/// An environment's action box, against which a dataset's actions are checked. Actions outside it are
/// kept as they are, with a note: an environment clips them, so they act as the nearest bound.
public struct ActionBounds: Sendable, Equatable {
    /// Who the bounds belong to, for the note (an environment id).
    public var owner: String
    public var low: [Float]
    public var high: [Float]

    public init(owner: String, low: [Float], high: [Float]) {
        self.owner = owner
        self.low = low
        self.high = high
    }

    /// A note counting the action values of `dataset` outside the bounds and naming the first; nil when
    /// there is none, or when the sizes differ (a mismatch is refused elsewhere).
    public func note(on dataset: LoggedDataset) -> String? {
        var count = 0
        var first: (row: Int, component: Int, value: Float)?
        countOutside(dataset.actions, actionSize: dataset.actionSize, firstRow: 0, count: &count, first: &first)
        return note(count: count, first: first)
    }

    /// Adds the values of `actions` (rows from `firstRow` on) outside the bounds to `count`, and the first
    /// of them to `first` when it has none yet. Nothing is counted when the sizes differ.
    func countOutside(_ actions: [Float], actionSize a: Int, firstRow: Int, count: inout Int, first: inout (row: Int, component: Int, value: Float)?) {
        guard a > 0, low.count == a, high.count == a else { return }
        actions.withUnsafeBufferPointer { actions in
            for index in actions.indices {
                let component = index % a, value = actions[index]
                if value < low[component] || value > high[component] {
                    count += 1
                    if first == nil { first = (firstRow + index / a, component, value) }
                }
            }
        }
    }

    /// The note for `count` values outside the bounds, the first being `first`; nil when there is none.
    func note(count: Int, first: (row: Int, component: Int, value: Float)?) -> String? {
        guard let first else { return nil }
        return "\(count) action values lie outside \(owner)'s bounds (first: row \(first.row), component \(first.component): \(first.value) outside [\(low[first.component]), \(high[first.component])]); they are kept as they are, and the environment clips them"
    }
}
