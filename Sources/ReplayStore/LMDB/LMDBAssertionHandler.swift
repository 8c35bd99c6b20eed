internal import CLMDB
import Foundation

/// The process-wide `LMDBAssertionResponse` and the C callback that carries it out.
enum LMDBAssertionHandler {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var storedResponse = LMDBAssertionResponse.abort

    static var response: LMDBAssertionResponse {
        get { lock.lock(); defer { lock.unlock() }; return storedResponse }
        set { lock.lock(); defer { lock.unlock() }; storedResponse = newValue }
    }

    /// Installed on every environment with `mdb_env_set_assert`. LMDB calls it with its message
    /// ("mdb.c:LINE: Assertion '…' failed in FUNCTION()") and calls `abort()` when it returns.
    static let callback: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> Void = { environment, message in
        guard case let .exit(status, prefix) = LMDBAssertionHandler.response else { return }
        var path: UnsafePointer<CChar>?
        let store = environment.flatMap { mdb_env_get_path($0, &path) == 0 ? path.map { String(cString: $0) } : nil }
        let assertion = message.map { String(cString: $0) } ?? "an assertion failed"
        let line = prefix + (store.map { "store \($0): " } ?? "") + "B-tree damaged (LMDB aborted: \(assertion))\n"
        fflush(stdout)
        _ = line.withCString { fputs($0, stderr) }
        fflush(stderr)
        _exit(status)
    }
}
