/// Compression codec of chunk frames.
public enum StoreCodec: String, Codable, Sendable {
    case zstd
}
