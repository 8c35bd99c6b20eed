import Foundation

/// LMDB's `lock.mdb`, prepared before `mdb_env_open` maps it.
///
/// LMDB creates the lock file with `ftruncate`, which makes a sparse file, and then writes its reader
/// table through a shared memory map. On a full file system the kernel cannot give a page of that map
/// a block, and the write kills the process with SIGBUS (issue 7: `replay create` on a full disk). So
/// the file's blocks are allocated here first with `posix_fallocate`, where a full disk is an ordinary
/// error; for a file that is already allocated this is a no-op.
enum LMDBLockFile {
    /// What LMDB sizes the file to for the 126 readers the store configures (`(126 - 1) * 64` bytes of
    /// reader slots plus a 192-byte header, as liblmdb 0.9.24 writes it); a larger file is kept as is.
    static let minimumBytes = 8_192

    /// Creates `directory/lock.mdb` if needed and allocates its blocks. Returns nil when LMDB can use it,
    /// or why not (`strerror`'s text and the error number) when the file cannot be opened for writing or
    /// the file system has no room for it.
    static func prepare(directory: String) -> (reason: String, code: Int32)? {
        let descriptor = open(directory + "/lock.mdb", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return (String(cString: strerror(errno)), errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return (String(cString: strerror(errno)), errno) }
        let code = posix_fallocate(descriptor, 0, off_t(max(Int(status.st_size), minimumBytes)))
        // A file system without fallocate support: LMDB's own sizing is all there is.
        guard code == 0 || code == EOPNOTSUPP || code == ENOSYS else { return (String(cString: strerror(code)), code) }
        return nil
    }
}
