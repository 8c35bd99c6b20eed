/// The bounds of a Gymnasium `Box` space as a store records them: its shape and, value by value in
/// row-major order, its lower and upper bounds (±infinity for an unbounded side).
public struct BoxBounds: Codable, Equatable, Sendable {
    public var shape: [Int]
    public var low: [Float]
    public var high: [Float]

    public init(shape: [Int], low: [Float], high: [Float]) {
        self.shape = shape
        self.low = low
        self.high = high
    }

    /// A one-dimensional box of shape `[low.count]`.
    public init(low: [Float], high: [Float]) {
        self.init(shape: [low.count], low: low, high: high)
    }

    /// An unbounded one-dimensional box of `size` values.
    public init(unboundedOfSize size: Int) {
        self.init(low: Array(repeating: -.infinity, count: size), high: Array(repeating: .infinity, count: size))
    }

    /// Values per row: the product of the shape.
    public var size: Int { shape.reduce(1, *) }

    /// Why these bounds are not a box (a shape that is empty or has a dimension below 1, bounds of another
    /// length than the shape's size, a NaN bound, or a lower bound above its upper one); nil when they are.
    public var problem: String? {
        guard !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else { return "its shape \(shape) is not a non-empty list of positive sizes" }
        var size = 1
        for dimension in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
            if overflow { return "its shape \(shape) has more values than an Int counts" }
            size = product
        }
        guard low.count == size, high.count == size else {
            return "it has \(low.count) lower and \(high.count) upper bounds for the \(size) values of shape \(shape)"
        }
        if let index = low.indices.first(where: { low[$0].isNaN || high[$0].isNaN || low[$0] > high[$0] }) {
            return "value \(index) has bounds [\(low[index]), \(high[index])]"
        }
        return nil
    }
}
