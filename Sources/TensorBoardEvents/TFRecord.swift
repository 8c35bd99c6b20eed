/// TFRecord framing, the container of TensorBoard's event files: each record is
///
/// ```
/// uint64 length            little-endian
/// uint32 masked CRC-32C    of the 8 length bytes
/// length bytes of data
/// uint32 masked CRC-32C    of the data
/// ```
public enum TFRecord {
    /// The bytes a record adds around its data: the length, and the two checksums.
    public static let overhead = 16

    /// `data` framed as one record.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var record: [UInt8] = []
        record.reserveCapacity(data.count + overhead)
        let length = littleEndian(UInt64(data.count))
        record += length
        record += littleEndian(CRC32C.maskedChecksum(length))
        record += data
        record += littleEndian(CRC32C.maskedChecksum(data))
        return record
    }

    /// The records at the start of `bytes`, each with the offset just past it, up to the first that is
    /// incomplete or whose checksum does not match (a torn write at the end of a file): what follows that
    /// point is not returned.
    public static func records(in bytes: [UInt8]) -> [(data: ArraySlice<UInt8>, end: Int)] {
        var found: [(data: ArraySlice<UInt8>, end: Int)] = []
        var offset = 0
        while bytes.count - offset >= overhead {
            let lengthBytes = bytes[offset..<offset + 8]
            guard readUInt32(bytes, at: offset + 8) == CRC32C.maskedChecksum(lengthBytes) else { break }
            let length = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            guard length <= UInt64(bytes.count - offset - overhead) else { break }
            let start = offset + 12, end = start + Int(length)
            let data = bytes[start..<end]
            guard readUInt32(bytes, at: end) == CRC32C.maskedChecksum(data) else { break }
            offset = end + 4
            found.append((data, offset))
        }
        return found
    }

    static func littleEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        (0..<Value.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << ($1 * 8) }
    }
}
