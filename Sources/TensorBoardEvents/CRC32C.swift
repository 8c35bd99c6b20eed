/// CRC-32C (Castagnoli), the checksum of TFRecord framing: reflected polynomial 0x82F63B78, initial value and
/// final XOR 0xFFFFFFFF (RFC 3720, appendix B.4). Table-driven, a byte at a time: event files are small.
public enum CRC32C {
    /// The reflected Castagnoli polynomial.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// The remainder of each byte value, shifted through eight rounds of the polynomial.
    private static let table: [UInt32] = (0...255).map { byte in
        var remainder = UInt32(byte)
        for _ in 0..<8 { remainder = remainder & 1 == 1 ? (remainder >> 1) ^ polynomial : remainder >> 1 }
        return remainder
    }

    /// The CRC-32C of `bytes` (of "123456789": 0xE3069283).
    public static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// `crc` masked as TFRecord stores it: rotated right by 15 bits, plus 0xa282ead8 (modulo 2³²), so a
    /// checksum over data that holds checksums is not itself trivially zero.
    public static func masked(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    /// The masked CRC-32C of `bytes`.
    public static func maskedChecksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        masked(checksum(bytes))
    }
}
