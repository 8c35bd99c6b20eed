import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Replacing a file so that a reader sees the old one or the new one, never half of one, and a process
/// killed midway leaves no litter: one fixed temporary name per file, reused by the next write.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `data` to `file` through the fixed temporary name `.NAME.partial` in the same directory,
    /// flushed to disk, then renamed over `file`: readers see the old file or the new one, never half of
    /// one. `Data.write(options: .atomic)` picks a new random `.dat.nosync*` name each time, and a
    /// process killed mid-write leaves that file behind for good (issue 7); with one fixed name a killed
    /// writer leaves at most one `.NAME.partial`, which the next write reuses and renames away.
    public static func write(_ data: Data, to file: URL) throws {
        let temporary = file.deletingLastPathComponent().appendingPathComponent("." + file.lastPathComponent + ".partial")
        func failure(_ operation: String, _ path: String) -> WriteError {
            WriteError(description: "cannot \(operation) \(path): \(String(cString: strerror(errno)))")
        }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("create", temporary.path) }
        var written = 0
        let complete = data.withUnsafeBytes { bytes -> Bool in
            while written < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
        guard complete, fsync(descriptor) == 0 else {
            let error = failure("write", temporary.path)
            close(descriptor)
            unlink(temporary.path)
            throw error
        }
        close(descriptor)
        guard rename(temporary.path, file.path) == 0 else {
            let error = failure("rename \(temporary.path) to", file.path)
            unlink(temporary.path)
            throw error
        }
    }
}
