import Dispatch
import Foundation

/// Reads a file handle to its end on a thread of its own (not a shared dispatch worker, which a
/// blocking read would hold); `wait()` returns what was read once the writer has closed its end.
final class PipeReader: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    /// Written only by the reading thread, before it signals `finished`; read only after that.
    private var data = Data()

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            data = handle.readDataToEndOfFile()
            finished.signal()
        }
        thread.start()
    }

    func wait() -> Data {
        finished.wait()
        return data
    }
}
