/// Writes and reads one multi-byte column under a `ColumnFilter`.
///
/// `stride` is the distance in elements between the same feature in consecutive rows (the
/// observation size for observations, 1 for scalar columns); `xorDeltaByteShuffle` XORs each element
/// with the one `stride` earlier. Byte planes: byte `b` of element `e` goes to `b * count + e`.
enum ColumnFilterCoding {
    @inline(__always)
    static func encode<T: FixedWidthInteger & UnsignedInteger>(
        _ source: UnsafePointer<T>, count: Int, stride: Int, filter: ColumnFilter, into destination: UnsafeMutableRawPointer
    ) {
        let width = MemoryLayout<T>.size
        switch filter {
        case .none:
            let out = destination.bindMemory(to: UInt8.self, capacity: count * width)
            for e in 0..<count {
                let value = source[e]
                for b in 0..<width { out[e * width + b] = UInt8(truncatingIfNeeded: value >> (8 * b)) }
            }
        case .byteShuffle, .xorDeltaByteShuffle:
            let out = destination.bindMemory(to: UInt8.self, capacity: count * width)
            let delta = filter == .xorDeltaByteShuffle
            for e in 0..<count {
                var value = source[e]
                if delta && e >= stride { value ^= source[e - stride] }
                for b in 0..<width { out[b * count + e] = UInt8(truncatingIfNeeded: value >> (8 * b)) }
            }
        }
    }

    @inline(__always)
    static func decode<T: FixedWidthInteger & UnsignedInteger>(
        _ source: UnsafeRawPointer, count: Int, stride: Int, filter: ColumnFilter, into destination: UnsafeMutablePointer<T>
    ) {
        let width = MemoryLayout<T>.size
        let input = source.assumingMemoryBound(to: UInt8.self)
        switch filter {
        case .none:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * width)
            #if _endian(big)
            for e in 0..<count { destination[e] = T(littleEndian: destination[e]) }
            #endif
        case .byteShuffle, .xorDeltaByteShuffle:
            for e in 0..<count {
                var value: T = 0
                for b in 0..<width { value |= T(input[b * count + e]) << (8 * b) }
                destination[e] = value
            }
            if filter == .xorDeltaByteShuffle && count > stride {
                for e in stride..<count { destination[e] ^= destination[e - stride] }
            }
        }
    }
}
