internal import CZstd

/// Owns one zstd decompression context (`ZSTD_DCtx`). Freed in `deinit`.
/// A frame's content checksum, when present, is verified by zstd during decompression.
final class ZstdDecompressor {
    private let context: OpaquePointer

    init() throws {
        guard let context = ZSTD_createDCtx() else {
            throw ReplayStoreError.zstd(operation: "ZSTD_createDCtx", message: "out of memory")
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses one whole frame into `destination`; returns the number of bytes written.
    func decompress(_ frame: UnsafeRawBufferPointer, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        try check(zstd: ZSTD_decompressDCtx(context, destination.baseAddress, destination.count, frame.baseAddress, frame.count),
                  "ZSTD_decompressDCtx")
    }
}
