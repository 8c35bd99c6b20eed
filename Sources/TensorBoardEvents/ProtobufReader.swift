/// Reads the fields of a message in Protocol Buffers' wire format (see `ProtobufWriter`), whatever their
/// number: the four wire types a field can have in proto3. Nil when the bytes are not such a message.
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case lengthDelimited(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    /// The fields of `message` in order, as (field number, value); nil when it is cut short or uses a
    /// wire type proto3 does not (the deprecated groups).
    static func fields(of message: ArraySlice<UInt8>) -> [(number: Int, value: Value)]? {
        var fields: [(number: Int, value: Value)] = []
        var offset = message.startIndex
        func varint() -> UInt64? {
            var result: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 7) {
                guard offset < message.endIndex else { return nil }
                let byte = message[offset]
                offset += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
            }
            return nil
        }
        func fixed(_ count: Int) -> UInt64? {
            guard message.endIndex - offset >= count else { return nil }
            defer { offset += count }
            return (0..<count).reduce(UInt64(0)) { $0 | UInt64(message[offset + $1]) << ($1 * 8) }
        }
        while offset < message.endIndex {
            guard let key = varint(), key >> 3 > 0, key >> 3 <= UInt64(Int32.max) else { return nil }
            let value: Value
            switch key & 7 {
            case 0: guard let v = varint() else { return nil }; value = .varint(v)
            case 1: guard let v = fixed(8) else { return nil }; value = .fixed64(v)
            case 5: guard let v = fixed(4) else { return nil }; value = .fixed32(UInt32(v))
            case 2:
                guard let length = varint(), length <= UInt64(message.endIndex - offset) else { return nil }
                value = .lengthDelimited(message[offset..<offset + Int(length)])
                offset += Int(length)
            default: return nil
            }
            fields.append((Int(key >> 3), value))
        }
        return fields
    }
}
