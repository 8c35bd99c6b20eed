import Foundation

/// The two meta pages at the start of an LMDB `data.mdb`, read with plain `pread` before LMDB maps the
/// file, so a truncated or foreign file is an error rather than a SIGBUS or a crash inside LMDB.
///
/// Layout (LMDB 0.9.x, 64-bit; `MDB_page` header then `MDB_meta`, checked against files written by the
/// liblmdb 0.9.24 of this machine): page `p` starts at `p * pageSize`; within a meta page
///
/// | offset | field |
/// |---|---|
/// | 10 | u16 `mp_flags`, `P_META` = 0x08 |
/// | 16 | u32 `mm_magic` = 0xBEEFC0DE |
/// | 20 | u32 `mm_version` = 1 |
/// | 32 | u64 `mm_mapsize` |
/// | 40 | u32 `mm_psize` (the page size; `md_pad` of the free-list `MDB_db`) |
/// | 136 | u64 `mm_last_pg`, the last page in use |
/// | 144 | u64 `mm_txnid` |
///
/// LMDB reads page 0, takes the page size from it, reads page 1 at that offset, and uses the meta with
/// the larger transaction id; any page that fails the flag, magic or version check makes it refuse the
/// file. This type makes the same choice.
struct LMDBMetaPages: Equatable {
    static let metaBytes = 152
    static let metaFlag: UInt16 = 0x08
    static let magic: UInt32 = 0xBEEF_C0DE
    static let dataVersion: UInt32 = 1
    /// LMDB writes pages of the OS page size, at most 32 KiB; anything outside 512...65536 is damage.
    static let pageSizes = 512...65_536

    struct Meta: Equatable {
        var pageSize: Int
        var mapSize: UInt64
        var lastPage: UInt64
        var transactionID: UInt64
    }

    /// The meta LMDB will use (the newer one).
    let newest: Meta
    /// Size of data.mdb in bytes.
    let fileBytes: Int

    /// Bytes the newest meta says the file holds: every page up to and including `lastPage`.
    var expectedBytes: Int { (Int(newest.lastPage) + 1) * newest.pageSize }

    /// Reads and checks the meta pages of `directory/data.mdb`. Throws `truncated` when the file is
    /// shorter than the newest meta says, `damagedDataFile` when LMDB could not use it safely.
    init(directory: String) throws {
        let path = directory + "/data.mdb"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ReplayStoreError.fileSystem(operation: "open", path: path, message: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw ReplayStoreError.fileSystem(operation: "stat", path: path, message: String(cString: strerror(errno)))
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw ReplayStoreError.damagedDataFile(path: directory, reason: "it is not a regular file")
        }
        let size = Int(status.st_size)
        func readMeta(at offset: Int) throws -> [UInt8]? {
            guard size - offset >= LMDBMetaPages.metaBytes else { return nil }
            var bytes = [UInt8](repeating: 0, count: LMDBMetaPages.metaBytes)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard count >= 0 else {
                throw ReplayStoreError.fileSystem(operation: "read", path: path, message: String(cString: strerror(errno)))
            }
            return count == LMDBMetaPages.metaBytes ? bytes : nil
        }
        guard let first = try readMeta(at: 0) else {
            throw ReplayStoreError.truncated(path: directory, fileBytes: size, expectedBytes: nil)
        }
        let meta0 = try LMDBMetaPages.parse(first, page: 0, directory: directory)
        guard let second = try readMeta(at: meta0.pageSize) else {
            throw ReplayStoreError.truncated(path: directory, fileBytes: size, expectedBytes: 2 * meta0.pageSize)
        }
        let meta1 = try LMDBMetaPages.parse(second, page: 1, directory: directory)
        let newest = meta1.transactionID > meta0.transactionID ? meta1 : meta0
        guard meta1.pageSize == meta0.pageSize else {
            throw ReplayStoreError.damagedDataFile(
                path: directory, reason: "its meta pages disagree on the page size (\(meta0.pageSize) and \(meta1.pageSize))")
        }
        // Every page up to lastPage must exist; the bound keeps the product far from overflowing.
        guard newest.lastPage >= 1, newest.lastPage < UInt64(1) << 40 else {
            throw ReplayStoreError.damagedDataFile(path: directory, reason: "its meta page names last page \(newest.lastPage)")
        }
        let expected = (Int(newest.lastPage) + 1) * newest.pageSize
        if size < expected {
            throw ReplayStoreError.truncated(path: directory, fileBytes: size, expectedBytes: expected)
        }
        self.newest = newest
        self.fileBytes = size
    }

    /// Checks one meta page as `mdb_env_read_header` does, plus a page size LMDB can have written.
    private static func parse(_ bytes: [UInt8], page: Int, directory: String) throws -> Meta {
        try bytes.withUnsafeBytes { raw in
            func u16(_ offset: Int) -> UInt16 { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)) }
            func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
            func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
            func damaged(_ reason: String) -> ReplayStoreError {
                .damagedDataFile(path: directory, reason: "meta page \(page) \(reason) (LMDB refuses a file with a damaged meta page)")
            }
            guard u16(10) & metaFlag != 0 else { throw damaged("is not marked as a meta page; this is not an LMDB file") }
            guard u32(16) == magic else {
                throw damaged("has magic 0x\(String(u32(16), radix: 16)) instead of 0x\(String(magic, radix: 16)); this is not an LMDB file")
            }
            guard u32(20) == dataVersion else { throw damaged("has LMDB data format \(u32(20)); this LMDB reads format \(dataVersion)") }
            let pageSize = Int(u32(40))
            guard pageSizes.contains(pageSize), pageSize & (pageSize - 1) == 0 else {
                throw damaged("has page size \(pageSize), not a power of two in \(pageSizes)")
            }
            return Meta(pageSize: pageSize, mapSize: u64(32), lastPage: u64(136), transactionID: u64(144))
        }
    }
}
