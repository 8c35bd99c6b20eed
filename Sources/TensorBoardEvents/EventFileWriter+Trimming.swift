import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EventFileWriter {
    /// Cuts every event file in `directory` at its first event after `step`, and at a record that is
    /// incomplete or fails its checksum (a write torn by a crash), so that a resumed run, writing a new
    /// file from the step after its checkpoint, writes no step twice. A file is written in step order
    /// (one run session's, whose step only grows), so what is cut is its tail. Returns the events removed.
    @discardableResult
    public static func trimEvents(after step: Int64, in directory: URL) throws -> Int {
        var removed = 0
        for file in eventFiles(in: directory) {
            let bytes: [UInt8]
            do {
                guard let data = try SmallFile.contents(of: file) else { continue }
                bytes = [UInt8](data)
            } catch let RunFileError.unreadable(path, reason) {
                throw EventFileError(path: path, reason: reason)
            }
            let records = TFRecord.records(in: bytes)
            var keep = 0
            for (index, record) in records.enumerated() {
                guard let event = Event(decoding: record.data), event.step <= step else {
                    removed += records.count - index
                    break
                }
                keep = record.end
            }
            if keep < bytes.count, truncate(file.path, off_t(keep)) != 0 {
                throw EventFileError(path: file.path, reason: FileProblem.systemReason(errno))
            }
        }
        return removed
    }
}
