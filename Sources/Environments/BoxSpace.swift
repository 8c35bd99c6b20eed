/// A box in ℝⁿ: every coordinate lies between `low[i]` and `high[i]` (Gymnasium's `Box`, float32).
public struct BoxSpace: Codable, Equatable, Sendable {
    public var low: [Float]
    public var high: [Float]

    public init(low: [Float], high: [Float]) {
        precondition(low.count == high.count, "low and high must have the same length")
        self.low = low
        self.high = high
    }

    /// Number of coordinates.
    public var dimension: Int { low.count }

    /// True when every coordinate is finite on both sides, so uniform sampling is defined.
    public var isBounded: Bool { zip(low, high).allSatisfy { $0.isFinite && $1.isFinite } }

    /// Whether `point` has the right length and lies inside the box.
    public func contains(_ point: [Float]) -> Bool {
        point.count == dimension && point.indices.allSatisfy { low[$0] <= point[$0] && point[$0] <= high[$0] }
    }

    /// `point` clipped coordinate-wise into the box.
    public func clip(_ point: [Float]) -> [Float] {
        point.indices.map { Swift.min(Swift.max(point[$0], low[$0]), high[$0]) }
    }
}
