import Foundation
internal import CHDF5

/// Process-wide HDF5 setup and its error stack. Debian's serial HDF5 is not thread-safe: the module
/// calls it from one thread at a time.
enum HDF5Library {
    /// Turns off HDF5's habit of printing its error stack to standard error: failures are reported
    /// once, as `DatasetError.hdf5`, with the stack's messages. Runs once, before the first HDF5 call.
    /// Also keeps libhdf5 from closing what is still open when the process exits: every file written is
    /// closed (and checked) before it is renamed into place, and only a file abandoned after a write error
    /// stays open. Closing such a file at exit, one with a chunked dataset whose write failed on a full
    /// disk, crashed inside libhdf5 1.10 after the error had been reported.
    static let prepared: Void = {
        _ = H5dont_atexit()
        _ = H5open()
        _ = H5Eset_auto2(chdf5_error_stack_default(), nil, nil)
    }()

    /// One line of an error-stack message: a failed system call's detail (HDF5 lists time, file name,
    /// descriptor, buffer and sizes over several lines) is cut to its `error message`, the system's text.
    private static func oneLine(_ message: String) -> String {
        var text = message
        if let start = text.range(of: "error message = '"), let end = text[start.upperBound...].firstIndex(of: "'") {
            let head = text.prefix { $0 != ":" && !$0.isNewline }
            text = head + ": " + text[start.upperBound..<end]
        }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// The messages on the current error stack: the outermost (what the API call was doing) and the
    /// innermost (why), for example "unable to open file: file signature not found".
    static func currentErrorMessage() -> String {
        var messages: [String] = []
        let walker: H5E_walk2_t = { _, entry, context in
            guard let entry, let context, let text = entry.pointee.desc else { return 0 }
            context.assumingMemoryBound(to: [String].self).pointee.append(String(cString: text))
            return 0
        }
        _ = withUnsafeMutablePointer(to: &messages) { pointer in
            H5Ewalk2(chdf5_error_stack_default(), H5E_WALK_DOWNWARD, walker, pointer)
        }
        _ = H5Eclear2(chdf5_error_stack_default())
        var distinct: [String] = []
        for message in messages.map(oneLine) where !message.isEmpty && !distinct.contains(message) { distinct.append(message) }
        guard let first = distinct.first else { return "no message on HDF5's error stack" }
        guard distinct.count > 1, let last = distinct.last else { return first }
        return first + ": " + last
    }
}
