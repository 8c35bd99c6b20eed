import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the small files of run and compare directories (`config.json`, `progress.csv`, `metrics.csv`,
/// `compare-run.json`, `curves.csv`) without ever blocking or allocating what the file claims: the file
/// is opened without waiting (a FIFO never blocks the reader), must be a regular file, and its size is
/// checked against a limit before it is read. Every failure is `RunFileError.unreadable`, naming the
/// file and what is wrong with it.
public enum SmallFile {
    /// 256 MiB: far beyond any progress or metrics file a run writes.
    public static let defaultLimit = 1 << 28

    /// The whole file; nil when it does not exist.
    public static func contents(of file: URL, limit: Int = defaultLimit) throws -> Data? {
        let path = file.path
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw RunFileError.unreadable(path, FileProblem.systemReason(errno))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw RunFileError.unreadable(path, FileProblem.systemReason(errno)) }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what: String
            switch kind {
            case S_IFDIR: what = "a directory"
            case S_IFIFO: what = "a FIFO (named pipe)"
            case S_IFCHR, S_IFBLK: what = "a device"
            case S_IFSOCK: what = "a socket"
            default: what = "a special file"
            }
            throw RunFileError.unreadable(path, "it is \(what), not a regular file")
        }
        let size = Int(status.st_size)
        guard size <= limit else { throw RunFileError.unreadable(path, "it holds \(size) bytes, more than the \(limit) accepted") }
        var data = Data(count: size)
        var done = 0
        while done < size {
            let count = data.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + done, size - done) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw RunFileError.unreadable(path, FileProblem.systemReason(errno)) }
            if count == 0 { break }  // shrank while being read
            done += count
        }
        return data.prefix(done)
    }

    /// The file as UTF-8 text; nil when it does not exist. A byte that is not UTF-8 is named by its line.
    public static func text(of file: URL, limit: Int = defaultLimit) throws -> String? {
        guard let data = try contents(of: file, limit: limit) else { return nil }
        if let text = String(data: data, encoding: .utf8) { return text }
        var line = 1
        for piece in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if String(data: Data(piece), encoding: .utf8) == nil { break }
            line += 1
        }
        throw RunFileError.unreadable(file.path, "line \(line) holds bytes that are not UTF-8 text")
    }
}
