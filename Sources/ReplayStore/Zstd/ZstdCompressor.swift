internal import CZstd

/// Owns one zstd compression context (`ZSTD_CCtx`), set to a level and to write a content
/// checksum and the content size into every frame. Freed in `deinit`.
final class ZstdCompressor {
    private let context: OpaquePointer

    init(level: Int) throws {
        guard let context = ZSTD_createCCtx() else {
            throw ReplayStoreError.zstd(operation: "ZSTD_createCCtx", message: "out of memory")
        }
        self.context = context
        do {
            try check(zstd: ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, Int32(level)), "set level \(level)")
            try check(zstd: ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "set checksum flag")
            try check(zstd: ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 1), "set content size flag")
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
