#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Status text for standard error that never ends the process: a reader that went away (a closed pipe,
/// a full disk under a log file) loses the text, never the run.
public enum StandardError {
    /// Writes `text` whole, or as much as standard error takes before a write fails.
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            #if canImport(Glibc)
            let written = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            #else
            let written = bytes.withUnsafeBytes { Darwin.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            #endif
            if written <= 0 { return }
            bytes = bytes.dropFirst(written)
        }
    }
}
