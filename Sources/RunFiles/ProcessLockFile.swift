import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock` on a file that holds the owner's process id, for as long as the value lives.
/// The kernel releases it when the process exits however it ends, so a lock left by a killed process
/// never blocks. The one mechanism behind `RunDirectoryLock` and compare's directory lock.
public final class ProcessLockFile {
    /// Why the lock was not taken.
    public enum Refusal: Error, Equatable {
        /// The file cannot be opened (the system's reason).
        case cannotOpen(reason: String)
        /// Another process holds it: its process id as the file says, or "unknown".
        case heldBy(process: String)
    }

    private let descriptor: Int32

    /// Takes the lock on `path` (created if missing), writing this process's id into the file.
    public init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Refusal.cannotOpen(reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let owner = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(descriptor)
            throw Refusal.heldBy(process: owner.isEmpty ? "unknown" : owner)
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
