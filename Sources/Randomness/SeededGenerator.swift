/// A small, fast, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// House rule: randomness is explicit. Code that needs random numbers takes a
/// `SeededGenerator` `inout`; there is no global generator. The whole state is `Codable`,
/// so a checkpoint can store it and a resumed run continues the same stream.
public struct SeededGenerator: RandomNumberGenerator, Codable, Equatable, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Creates a generator whose stream is a pure function of `seed` and `stream`.
    /// Different `stream` values give independent-looking streams for the same seed
    /// (for example one for the environment and one for the learner).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var mixer = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, by: 45)
        return result
    }

    @usableFromInline
    func rotateLeft(_ x: UInt64, by k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform `Double` in [0, 1) with 53 random bits.
    @inlinable
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform `Float` in [0, 1) with 24 random bits.
    @inlinable
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// A uniform `Float` in [lower, upper).
    @inlinable
    public mutating func nextFloat(in lower: Float, _ upper: Float) -> Float {
        lower + (upper - lower) * nextUnitFloat()
    }

    /// A uniform integer in 0..<bound (Lemire's multiply-shift; `bound` must be positive).
    @inlinable
    public mutating func nextIndex(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold {
                product = next().multipliedFullWidth(by: b)
            }
        }
        return Int(product.high)
    }

    /// A standard normal sample (Box–Muller; consumes two uniforms, keeps no cached value).
    @inlinable
    public mutating func nextGaussian() -> Double {
        let u1 = 1.0 - nextUnitDouble()  // (0, 1]
        let u2 = nextUnitDouble()
        return (-2.0 * _log(u1)).squareRoot() * _cos(2.0 * Double.pi * u2)
    }

    /// Fills `buffer` with standard normal samples, two per Box–Muller pair.
    public mutating func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Float>) {
        var i = 0
        let n = buffer.count
        while i < n {
            let u1 = 1.0 - nextUnitDouble()
            let u2 = nextUnitDouble()
            let radius = (-2.0 * _log(u1)).squareRoot()
            let angle = 2.0 * Double.pi * u2
            buffer[i] = Float(radius * _cos(angle))
            if i + 1 < n { buffer[i + 1] = Float(radius * _sin(angle)) }
            i += 2
        }
    }

    /// Fills `array` with standard normal samples.
    public mutating func fillGaussian(_ array: inout [Float]) {
        array.withUnsafeMutableBufferPointer { fillGaussian($0) }
    }
}
