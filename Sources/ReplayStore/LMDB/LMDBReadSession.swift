internal import CLMDB

/// One read-only transaction handle reused across snapshots (`mdb_txn_reset` / `mdb_txn_renew`),
/// so a sampler pays for a reader slot once instead of on every batch. Aborted in `deinit`.
final class LMDBReadSession {
    private let environment: LMDBEnvironment
    private var handle: OpaquePointer?
    private var isActive = false

    init(environment: LMDBEnvironment) {
        self.environment = environment
    }

    deinit {
        if let handle { mdb_txn_abort(handle) }
    }

    /// Runs `body` on a fresh snapshot of the latest committed state.
    func withSnapshot<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        try renew()
        defer { mdb_txn_reset(handle); isActive = false }
        return try body(LMDBTransaction(handle: handle!))
    }

    private func renew() throws {
        if let handle {
            let code = mdb_txn_renew(handle)
            if code == LMDBReturnCode.mapResized.rawValue {
                // Another process grew the map: start over with a fresh handle at the new size.
                mdb_txn_abort(handle)
                self.handle = nil
                try environment.adoptMapSizeOfOtherProcess()
                self.handle = try environment.beginReadOnly()
            } else {
                try check(code, "mdb_txn_renew")
            }
        } else {
            handle = try environment.beginReadOnly()
        }
        isActive = true
    }
}
