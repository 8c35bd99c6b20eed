/// Writes and reads one multi-byte column under a `ColumnFilter`.
///
/// `stride` is the distance in elements between the same feature in consecutive rows (the
/// observation size for observations, 1 for scalar columns); `xorDeltaByteShuffle` XORs each element
/// with the one `stride` earlier. Byte planes: byte `b` of element `e` goes to `b * count + e`.
/// Written per width with plain pointer loops so the compiler can vectorize them.
enum ColumnFilterCoding {
    static func encode(_ source: UnsafePointer<UInt32>, count: Int, stride: Int, filter: ColumnFilter, into destination: UnsafeMutableRawPointer) {
        switch filter {
        case .none:
            destination.copyMemory(from: source, byteCount: 4 * count)
        case .byteShuffle, .xorDeltaByteShuffle:
            let p0 = destination.assumingMemoryBound(to: UInt8.self), p1 = p0 + count, p2 = p1 + count, p3 = p2 + count
            let delta = filter == .xorDeltaByteShuffle
            for e in 0..<count {
                var value = source[e]
                if delta && e >= stride { value ^= source[e &- stride] }
                p0[e] = UInt8(truncatingIfNeeded: value)
                p1[e] = UInt8(truncatingIfNeeded: value &>> 8)
                p2[e] = UInt8(truncatingIfNeeded: value &>> 16)
                p3[e] = UInt8(truncatingIfNeeded: value &>> 24)
            }
        }
    }

    static func encode(_ source: UnsafePointer<UInt64>, count: Int, stride: Int, filter: ColumnFilter, into destination: UnsafeMutableRawPointer) {
        switch filter {
        case .none:
            destination.copyMemory(from: source, byteCount: 8 * count)
        case .byteShuffle, .xorDeltaByteShuffle:
            let planes = destination.assumingMemoryBound(to: UInt8.self)
            let delta = filter == .xorDeltaByteShuffle
            for e in 0..<count {
                var value = source[e]
                if delta && e >= stride { value ^= source[e &- stride] }
                for b in 0..<8 { planes[b &* count &+ e] = UInt8(truncatingIfNeeded: value &>> UInt64(8 &* b)) }
            }
        }
    }

    static func decode(_ source: UnsafeRawPointer, count: Int, stride: Int, filter: ColumnFilter, into destination: UnsafeMutablePointer<UInt32>) {
        switch filter {
        case .none:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * count)
        case .byteShuffle, .xorDeltaByteShuffle:
            let p0 = source.assumingMemoryBound(to: UInt8.self), p1 = p0 + count, p2 = p1 + count, p3 = p2 + count
            for e in 0..<count {
                destination[e] = UInt32(p0[e]) | UInt32(p1[e]) &<< 8 | UInt32(p2[e]) &<< 16 | UInt32(p3[e]) &<< 24
            }
            if filter == .xorDeltaByteShuffle && count > stride {
                for e in stride..<count { destination[e] ^= destination[e &- stride] }
            }
        }
    }

    static func decode(_ source: UnsafeRawPointer, count: Int, stride: Int, filter: ColumnFilter, into destination: UnsafeMutablePointer<UInt64>) {
        switch filter {
        case .none:
            UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 8 * count)
        case .byteShuffle, .xorDeltaByteShuffle:
            let planes = source.assumingMemoryBound(to: UInt8.self)
            for e in 0..<count {
                var value: UInt64 = 0
                for b in 0..<8 { value |= UInt64(planes[b &* count &+ e]) &<< UInt64(8 &* b) }
                destination[e] = value
            }
            if filter == .xorDeltaByteShuffle && count > stride {
                for e in stride..<count { destination[e] ^= destination[e &- stride] }
            }
        }
    }
}
