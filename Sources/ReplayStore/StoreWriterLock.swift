import Foundation

/// The store's writer lock: `flock(LOCK_EX)` on `writer.lock` in the store directory, held by the one
/// process that has the store open for writing (`StoreAccess.readWrite`) until it closes the store or
/// exits. Readers never touch it. The kernel drops a `flock` when its holder dies, so a process killed
/// with `kill -9` leaves the file but never a lock that blocks the next writer.
///
/// The holder writes its process id into the file (informational only: the lock is the `flock`, never
/// the content), so a refused writer can say who holds the store. The file is never deleted: removing a
/// lock file races with a process that has just opened it.
///
/// The lock is per process, as the rule it enforces ("one writer process"): every `ReplayStore` a
/// process opens for writing on one directory shares one lock, counted by `StoreWriterLease`s.
final class StoreWriterLock {
    static let fileName = "writer.lock"

    let directory: String
    private let descriptor: Int32

    private init(directory: String, descriptor: Int32) {
        self.directory = directory
        self.descriptor = descriptor
    }

    deinit {
        // Clear the recorded holder while still holding the lock; closing the descriptor releases it.
        _ = ftruncate(descriptor, 0)
        close(descriptor)
    }

    /// Identity of a store directory (device and inode), so two spellings of one path share a lock.
    struct Key: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    private static let registryLock = NSLock()
    nonisolated(unsafe) private static var registry: [Key: (lock: StoreWriterLock, users: Int)] = [:]

    /// Takes the writer lock of the store in `directory` (which must exist) for this process, or
    /// shares the one this process already holds. Throws `writerActive` naming the holder when another
    /// process has it.
    static func acquire(directory: String) throws -> StoreWriterLease {
        var status = stat()
        guard stat(directory, &status) == 0 else {
            throw ReplayStoreError.fileSystem(operation: "stat", path: directory, message: String(cString: strerror(errno)))
        }
        let key = Key(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        registryLock.lock()
        defer { registryLock.unlock() }
        if let entry = registry[key] {
            registry[key] = (entry.lock, entry.users + 1)
            return StoreWriterLease(key: key)
        }
        let path = directory + "/" + fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ReplayStoreError.fileSystem(operation: "open the writer lock", path: path, message: String(cString: strerror(errno)))
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let error = errno
            let holder = recordedHolder(descriptor)
            close(descriptor)
            if error == EWOULDBLOCK { throw ReplayStoreError.writerActive(path: directory, pid: holder) }
            throw ReplayStoreError.fileSystem(operation: "lock", path: path, message: String(cString: strerror(error)))
        }
        let line = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = line.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        let lock = StoreWriterLock(directory: directory, descriptor: descriptor)
        registry[key] = (lock, 1)
        return StoreWriterLease(key: key)
    }

    /// Whether a process holds the writer lock of `directory` right now, and which one if it recorded
    /// itself. Probes with a shared lock that it releases at once, so it never blocks or holds off a
    /// writer. No lock file, or one this process cannot open, counts as not held.
    static func probe(directory: String) -> (isHeld: Bool, holder: Int32?) {
        let descriptor = open(directory + "/" + fileName, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return (false, nil) }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_SH | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return (false, nil)
        }
        return errno == EWOULDBLOCK ? (true, recordedHolder(descriptor)) : (false, nil)
    }

    /// The process id the holder wrote into the lock file, if it is one.
    private static func recordedHolder(_ descriptor: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: bytes[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return Int32(text).flatMap { $0 > 0 ? $0 : nil }
    }

    /// Gives back one share; the last one drops the registry's reference, and `deinit` closes the
    /// descriptor (releasing the `flock`) before this returns, still under the registry's lock.
    static func release(_ key: Key) {
        registryLock.lock()
        defer { registryLock.unlock() }
        guard let entry = registry[key] else { return }
        if entry.users > 1 {
            registry[key] = (entry.lock, entry.users - 1)
        } else {
            registry[key] = nil  // the last reference: the lock's deinit releases the flock
        }
    }
}
