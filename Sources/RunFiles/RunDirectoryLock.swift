import Foundation

/// An exclusive lock on a run directory for as long as a training run uses it: `flock` on `DIR/run.lock`,
/// which holds the owner's process id. The kernel releases it when the process exits however it ends,
/// so a lock left by a killed process never blocks; a second process is refused, naming the owner.
/// Within one process the lock is shared: `acquire` returns the lock this process already holds.
public final class RunDirectoryLock {
    private let lockFile: ProcessLockFile

    private final class WeakLock { weak var lock: RunDirectoryLock? }
    nonisolated(unsafe) private static var held: [String: WeakLock] = [:]
    private static let registry = NSLock()

    /// The lock of `directory` (which must exist): this process's, or a newly taken one.
    public static func acquire(_ directory: RunDirectory) throws -> RunDirectoryLock {
        registry.lock()
        defer { registry.unlock() }
        let path = directory.lock.standardizedFileURL.path
        if let lock = held[path]?.lock { return lock }
        let lock = try RunDirectoryLock(directory, path: path)
        let entry = WeakLock()
        entry.lock = lock
        held[path] = entry
        return lock
    }

    private init(_ directory: RunDirectory, path: String) throws {
        do {
            lockFile = try ProcessLockFile(path: path)
        } catch ProcessLockFile.Refusal.cannotOpen(let reason) {
            throw RunFileError.unreadable(path, "cannot be opened for locking: \(reason)")
        } catch ProcessLockFile.Refusal.heldBy(let process) {
            throw RunFileError.inUse(directory.root.path, process: process)
        }
    }
}
