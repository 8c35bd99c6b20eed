/// How each multi-byte column of a chunk is rearranged before compression (see the README).
public enum ColumnFilter: String, Codable, CaseIterable, Sendable {
    /// Little-endian values as they are.
    case none
    /// Byte planes: all first bytes of a column, then all second bytes, ... (as Blosc's shuffle).
    case byteShuffle
    /// Each element XORed with the same feature one row earlier, then byte planes.
    case xorDeltaByteShuffle
}
