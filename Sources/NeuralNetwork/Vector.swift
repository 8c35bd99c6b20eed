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

extension SIMD8 where Scalar == Float {
    /// √|x| lane by lane, as one vector instruction. `squareRoot()` compiles to eight scalar square
    /// roots, each with a branch to the C library for negative input (to set errno); with the
    /// argument's sign cleared the compiler knows no lane is negative and emits a single vector square
    /// root. For x ≥ 0 and for NaN the result is exactly `squareRoot()`'s (both are correctly rounded).
    @inline(__always)
    func squareRootOfMagnitude() -> Self {
        var result = Self()
        for lane in 0..<Self.scalarCount { result[lane] = abs(self[lane]).squareRoot() }
        return result
    }
}
