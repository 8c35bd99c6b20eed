import Foundation
import RunFiles

/// An exclusive lock on a compare directory for as long as one `offpolicy compare` works in it:
/// `flock` on `DIR/compare.lock`, which holds the owner's process id. The kernel releases it when
/// the process exits however it ends, so a lock left by a killed `compare` never blocks; a second
/// `compare` on the same directory is refused, naming the owner.
public final class ComparisonLock {
    private let lockFile: ProcessLockFile

    /// `DIR/compare.lock`.
    public static func file(in directory: URL) -> URL { directory.appendingPathComponent(ComparisonFiles.lock) }

    /// Takes the lock of `directory` (which must exist); throws `ComparisonError.inUse` when another
    /// process holds it.
    public init(directory: URL) throws {
        let path = Self.file(in: directory).path
        do {
            lockFile = try ProcessLockFile(path: path)
        } catch ProcessLockFile.Refusal.cannotOpen(let reason) {
            throw ComparisonError.unreadable(path, "it cannot be opened for locking (\(reason))")
        } catch ProcessLockFile.Refusal.heldBy(let process) {
            throw ComparisonError.inUse(directory.path, process: process)
        }
    }
}
