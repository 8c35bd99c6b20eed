/// The order statistics the summary uses.
public enum Statistics {
    /// The median: the middle value, or the mean of the two middle values. `.infinity` is allowed
    /// (a seed that never reached a threshold) and sorts last. Nil for no values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        if sorted.count % 2 == 1 { return sorted[middle] }
        let (low, high) = (sorted[middle - 1], sorted[middle])
        return high == .infinity ? .infinity : (low + high) / 2
    }

    /// The arithmetic mean; nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The `probability` quantile of values sorted in increasing order, interpolating linearly
    /// between order statistics (Hyndman and Fan's type 7, numpy's default).
    public static func quantile(sorted: [Double], _ probability: Double) -> Double {
        precondition(!sorted.isEmpty, "a quantile of no values")
        let position = probability * Double(sorted.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + fraction * (sorted[above] - sorted[below])
    }
}
