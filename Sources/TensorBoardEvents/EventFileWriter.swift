import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends events to a new TensorBoard event file, one TFRecord each, the first naming the format
/// (`Event.fileVersion`). Every write goes straight to the file (no buffer to lose on a crash).
///
/// It never throws and never stops its caller: the first failure (a full disk, a removed directory)
/// ends its writing, cuts the file back to its last whole record, so TensorBoard reads every event
/// written before, and is reported once through `warn`, one sentence naming the file. Later calls
/// do nothing.
public final class EventFileWriter {
    /// The file's name start, as TensorFlow and TensorBoard name theirs (`events.out.tfevents.`), which is
    /// how TensorBoard finds event files in a directory.
    public static let namePrefix = "events.out.tfevents."

    /// The file written; nil when it could not be created.
    public private(set) var file: URL?
    /// False once a write has failed (or the file could not be created): nothing more is written.
    public private(set) var isWriting = false
    private var descriptor: Int32 = -1
    /// The bytes of whole records in the file.
    private var end: off_t = 0
    private let warn: (String) -> Void

    /// Creates `directory` if needed and in it a file named `events.out.tfevents.SECONDS.HOST.PID.N`, as
    /// TensorBoard's own writer names them: the time in seconds (10 digits), the host name, the process id,
    /// and a count of the files this process made. TensorBoard reads a directory's files in name order, so
    /// when a file there sorts after that name (made in the same second, or under a clock set back), the
    /// seconds are those of the last file plus one. Then writes the file-version event.
    public init(directory: URL, warn: @escaping (String) -> Void) {
        self.warn = warn
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            warn("TensorBoard events cannot be written to \(directory.path): \(FileProblem.reason(error))")
            return
        }
        let name = Self.newName(after: Self.eventFiles(in: directory).last?.lastPathComponent, seconds: Int(Date().timeIntervalSince1970))
        let file = directory.appendingPathComponent(name)
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            warn("TensorBoard events cannot be written to \(file.path): \(FileProblem.systemReason(errno))")
            return
        }
        (self.file, self.descriptor, isWriting) = (file, descriptor, true)
        write(Event(wallTime: Date().timeIntervalSince1970, step: 0, content: .fileVersion(Event.fileVersion)))
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends one event of `scalars` at `step` (nothing when `scalars` is empty).
    public func write(step: Int64, scalars: [Event.Scalar]) {
        guard !scalars.isEmpty else { return }
        write(Event(wallTime: Date().timeIntervalSince1970, step: step, content: .scalars(scalars)))
    }

    /// Appends `event` as one record.
    public func write(_ event: Event) {
        guard isWriting else { return }
        let record = TFRecord.frame(event.encoded())
        var written = 0
        while written < record.count {
            let count = record.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return fail(count < 0 ? FileProblem.systemReason(errno) : "the write stopped short") }
            written += count
        }
        end += off_t(record.count)
    }

    /// Makes what was written durable (at a run's checkpoints).
    public func synchronize() {
        guard isWriting else { return }
        if fsync(descriptor) != 0 { fail(FileProblem.systemReason(errno)) }
    }

    /// Ends the writing after a failure: the file is cut back to its whole records, and `warn` told.
    private func fail(_ reason: String) {
        isWriting = false
        _ = ftruncate(descriptor, end)
        close(descriptor)
        descriptor = -1
        warn("TensorBoard events are no longer written to \(file!.path): \(reason)")
    }

    /// The event files in `directory` (named `events.out.tfevents.…`), in name order; none when it does
    /// not exist or cannot be listed.
    public static func eventFiles(in directory: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(namePrefix) }.sorted().map { directory.appendingPathComponent($0) }
    }

    /// The files this process has made, for the last part of their names.
    nonisolated(unsafe) private static var filesMade = 0
    private static let filesMadeLock = NSLock()

    /// A new file's name at `seconds`, sorting after `last` (the last existing name).
    static func newName(after last: String?, seconds: Int) -> String {
        filesMadeLock.lock()
        filesMade += 1
        let count = filesMade
        filesMadeLock.unlock()
        func name(_ seconds: Int) -> String {
            let digits = String(seconds)
            return namePrefix + String(repeating: "0", count: max(0, 10 - digits.count)) + digits + ".\(ProcessInfo.processInfo.hostName).\(getpid()).\(count)"
        }
        if let last, last >= name(seconds), let previous = Int(last.dropFirst(namePrefix.count).prefix(10)) {
            return name(max(seconds, previous + 1))
        }
        return name(seconds)
    }
}
