import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive lock on a compare directory for as long as one `offpolicy compare` works in it:
/// `flock` on `DIR/compare.lock`, which holds the owner's process id. The kernel releases it when
/// the process exits however it ends, so a lock left by a killed `compare` never blocks; a second
/// `compare` on the same directory is refused, naming the owner.
public final class ComparisonLock {
    private let descriptor: Int32

    /// `DIR/compare.lock`.
    public static func file(in directory: URL) -> URL { directory.appendingPathComponent(ComparisonFiles.lock) }

    /// Takes the lock of `directory` (which must exist); throws `ComparisonError.inUse` when another
    /// process holds it.
    public init(directory: URL) throws {
        let path = Self.file(in: directory).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ComparisonError.unreadable(path, "it cannot be opened for locking (\(String(cString: strerror(errno))))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw ComparisonError.inUse(directory.path, process: owner.isEmpty ? "unknown" : owner)
        }
        self.descriptor = descriptor
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
