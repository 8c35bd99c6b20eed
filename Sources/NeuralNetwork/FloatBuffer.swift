/// A fixed-size, 64-byte aligned, zero-initialised block of `Float`s.
///
/// Networks keep their parameters, gradients and workspaces in these, so the hot path works on
/// raw pointers with no copy-on-write or bounds checks, and nothing is allocated per update.
public final class FloatBuffer {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "a buffer cannot have a negative size")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    /// A buffer holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { base.update(from: address, count: values.count) }
        }
    }

    deinit {
        base.deallocate()
    }

    /// A copy of the contents.
    public var values: [Float] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }

    /// Overwrites the contents with `values`, which must have `count` elements.
    public func assign(_ values: [Float]) {
        precondition(values.count == count, "expected \(count) values, got \(values.count)")
        values.withUnsafeBufferPointer { source in
            if let address = source.baseAddress { base.update(from: address, count: count) }
        }
    }

    /// Overwrites the contents with those of `other`, which must have the same size.
    public func assign(_ other: FloatBuffer) {
        precondition(other.count == count, "expected \(count) values, got \(other.count)")
        base.update(from: other.base, count: count)
    }

    public func setZero() {
        base.update(repeating: 0, count: count)
    }
}
