/// Eight-lane vector loads and stores on raw float pointers, for the elementwise loops of the hot path.
/// (The compiler cannot prove that the pointers of those loops do not alias, so it will not vectorise
/// them on its own.)
typealias Vector = SIMD8<Float>

extension UnsafePointer where Pointee == Float {
    @inline(__always)
    func vector(at index: Int) -> Vector {
        UnsafeRawPointer(self + index).loadUnaligned(as: Vector.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func vector(at index: Int) -> Vector {
        UnsafeRawPointer(self + index).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    func setVector(_ value: Vector, at index: Int) {
        UnsafeMutableRawPointer(self + index).storeBytes(of: value, as: Vector.self)
    }
}

/// The number of leading elements of `count` that whole vectors cover.
@inline(__always)
func vectorizedCount(_ count: Int) -> Int {
    count & ~(Vector.scalarCount - 1)
}
