/// Protocol Buffers' wire format, the part an event needs: each field is a key (field number << 3 | wire
/// type) as a varint, then a varint (type 0), 8 little-endian bytes (type 1), a varint length and that
/// many bytes (type 2: strings and embedded messages), or 4 little-endian bytes (type 5).
/// (protobuf.dev, "Encoding".)
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    /// An `int64` field: two's complement as a varint (a negative one takes ten bytes).
    mutating func int64(_ number: Int, _ value: Int64) {
        key(number, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A `double` field.
    mutating func double(_ number: Int, _ value: Double) {
        key(number, wireType: 1)
        bytes += TFRecord.littleEndian(value.bitPattern)
    }

    /// A `float` field.
    mutating func float(_ number: Int, _ value: Float) {
        key(number, wireType: 5)
        bytes += TFRecord.littleEndian(value.bitPattern)
    }

    /// A `string` field (UTF-8).
    mutating func string(_ number: Int, _ value: String) {
        lengthDelimited(number, Array(value.utf8))
    }

    /// An embedded message or `bytes` field.
    mutating func lengthDelimited(_ number: Int, _ value: [UInt8]) {
        key(number, wireType: 2)
        varint(UInt64(value.count))
        bytes += value
    }

    private mutating func key(_ number: Int, wireType: UInt64) {
        varint(UInt64(number) << 3 | wireType)
    }

    /// Seven bits a byte, least significant first, the high bit set on every byte but the last.
    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}
