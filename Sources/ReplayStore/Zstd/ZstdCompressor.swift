internal import CZstd

/// Owns one zstd compression context (`ZSTD_CCtx`), set to a level and to write a content
/// checksum and the content size into every frame. Freed in `deinit`.
final class ZstdCompressor {
    private let context: OpaquePointer
    /// Whether the linked libzstd accepted raw (not Huffman-coded) literals.
    private(set) var storesLiteralsRaw = false

    /// `ZSTD_c_literalCompressionMode` (= `ZSTD_c_experimentalParam5` in zstd.h 1.5.x; only declared
    /// under ZSTD_STATIC_LINKING_ONLY). After byte shuffling, the low mantissa byte planes of float
    /// columns are noise that Huffman coding cannot shrink but that costs most of the decode time;
    /// storing literals raw made cold sampling about 2.5x faster for 1.5% of compression ratio (README).
    static let literalCompressionMode: UInt32 = 1002
    /// `ZSTD_ps_disable`: never compress literals.
    static let literalsUncompressed: Int32 = 2

    init(level: Int) throws {
        guard let context = ZSTD_createCCtx() else {
            throw ReplayStoreError.zstd(operation: "ZSTD_createCCtx", message: "out of memory")
        }
        self.context = context
        do {
            try check(zstd: ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), "set level \(level)")
            try check(zstd: ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "set checksum flag")
            try check(zstd: ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1), "set content size flag")
            // Raw literals: see `literalCompressionMode`. Frames stay standard zstd frames either way,
            // so a library that refuses the parameter only costs decode speed, never correctness.
            storesLiteralsRaw = ZSTD_isError(ZSTD_CCtx_setParameter(
                context, ZSTD_cParameter(rawValue: ZstdCompressor.literalCompressionMode), ZstdCompressor.literalsUncompressed)) == 0
        } catch {
            ZSTD_freeCCtx(context)
            throw error
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Largest frame `compress` can produce for `size` input bytes.
    static func bound(_ size: Int) -> Int { ZSTD_compressBound(size) }

    /// Compresses `source` as one frame into `destination`; returns the frame's size.
    func compress(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        try check(zstd: ZSTD_compress2(context, destination.baseAddress, destination.count, source.baseAddress, source.count),
                  "ZSTD_compress2")
    }

    static var levelRange: ClosedRange<Int> { Int(ZSTD_minCLevel())...Int(ZSTD_maxCLevel()) }
}
