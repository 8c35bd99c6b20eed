internal import CLMDB
import Foundation

/// Owns one LMDB environment handle (`MDB_env`). Closed in `deinit`.
///
/// LMDB allows one open environment per file per process; the store is opened once per process.
final class LMDBEnvironment {
    let handle: OpaquePointer
    let directory: String
    /// Opened with `MDB_RDONLY`: every write transaction is refused before LMDB sees it.
    let isReadOnly: Bool
    /// Opened without LMDB's lock file (`MDB_NOLOCK`), because this process may not write `lock.mdb`.
    let isUnlocked: Bool
    /// The map size this process uses; grown by `write` when a transaction hits `MDB_MAP_FULL`.
    private(set) var mapSize: Int
    /// The writer lock share of a read-write environment. Declared here, not in the store, so it is
    /// released only after `deinit` has closed the environment.
    private let writerLease: StoreWriterLease?

    /// The largest map `write` grows to (1 TiB); a store that needs more fails with `MDB_MAP_FULL`.
    static let largestMapSize = 1 << 40

    init(directory: String, mapSize: Int, maxDatabases: UInt32, flags: LMDBEnvironmentFlags,
         writerLease: StoreWriterLease?) throws {
        var created: OpaquePointer?
        try check(mdb_env_create(&created), "mdb_env_create")
        guard let environment = created else { throw ReplayStoreError.lmdb(operation: "mdb_env_create", code: -1, message: "no handle") }
        // Until every stored property is set, a failure closes the handle here and `deinit` never runs.
        // (Issue 7: closing here *and* in `deinit` of a fully initialised object was a double free.)
        let actualMapSize: Int
        do {
            let assertCode = mdb_env_set_assert(environment, LMDBAssertionHandler.callback)
            if assertCode != ENOSYS { try check(assertCode, "mdb_env_set_assert") }  // ENOSYS: LMDB built without assertions
            try check(mdb_env_set_maxdbs(environment, maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(environment, 126), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(environment, mapSize), "mdb_env_set_mapsize(\(mapSize))")
            try check(mdb_env_open(environment, directory, flags.rawValue, 0o644), "mdb_env_open(\(directory))")
            // Another process may already have grown the map beyond what we asked for.
            var info = MDB_envinfo()
            try check(mdb_env_info(environment, &info), "mdb_env_info")
            actualMapSize = max(mapSize, info.me_mapsize)
        } catch {
            mdb_env_close(environment)
            throw error
        }
        handle = environment
        self.directory = directory
        self.mapSize = actualMapSize
        self.isReadOnly = flags.contains(.readOnly)
        self.isUnlocked = flags.contains(.noLock)
        self.writerLease = writerLease
    }

    deinit { mdb_env_close(handle) }

    /// Runs `body` in a write transaction: commits when it returns, aborts when it throws.
    /// A full map is grown (doubled) and the whole transaction retried, so `body` must be re-runnable.
    func write<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        guard !isReadOnly else { throw ReplayStoreError.readOnly(path: directory) }
        while true {
            let transaction = try begin(flags: 0)
            let result: T
            do {
                result = try body(transaction)
            } catch let error as ReplayStoreError where error.isMapFull {
                mdb_txn_abort(transaction.handle)
                try grow(after: error)
                continue
            } catch {
                mdb_txn_abort(transaction.handle)
                throw error
            }
            // `mdb_txn_commit` frees the transaction whether it succeeds or not: it must never be
            // aborted afterwards (issue 7: a full disk made that a double free).
            let code = mdb_txn_commit(transaction.handle)
            if code == LMDBReturnCode.mapFull.rawValue {
                try grow(after: ReplayStoreError.lmdb(operation: "mdb_txn_commit", code: code, message: String(cString: mdb_strerror(code))))
                continue
            }
            if code == EIO || code == ENOSPC {
                // LMDB reports a short write (a full disk) as EIO. Nothing of this transaction was committed.
                try check(code, "mdb_txn_commit (\(freeSpaceDescription()); this transaction was not committed)")
            }
            try check(code, "mdb_txn_commit")
            return result
        }
    }

    /// Runs `body` in a read-only snapshot transaction. Values read must be copied out before it returns.
    /// The transaction is committed (not aborted) on success so database handles opened in it stay valid.
    func read<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        let transaction = try begin(flags: LMDBEnvironmentFlags.readOnly.rawValue)
        let result: T
        do {
            result = try body(transaction)
        } catch {
            mdb_txn_abort(transaction.handle)
            throw error
        }
        try check(mdb_txn_commit(transaction.handle), "mdb_txn_commit(read-only)")  // frees it either way
        return result
    }

    private func begin(flags: UInt32) throws -> LMDBTransaction {
        var transaction: OpaquePointer?
        var code = mdb_txn_begin(handle, nil, flags, &transaction)
        if code == LMDBReturnCode.mapResized.rawValue {
            try adoptMapSizeOfOtherProcess()
            code = mdb_txn_begin(handle, nil, flags, &transaction)
        }
        try check(code, "mdb_txn_begin")
        guard let transaction else { throw ReplayStoreError.lmdb(operation: "mdb_txn_begin", code: -1, message: "no handle") }
        return LMDBTransaction(handle: transaction)
    }

    /// Another process grew the map: adopt its size (`mdb_env_set_mapsize(env, 0)`).
    func adoptMapSizeOfOtherProcess() throws {
        try check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize(0)")
        var info = MDB_envinfo()
        try check(mdb_env_info(handle, &info), "mdb_env_info")
        mapSize = info.me_mapsize
    }

    /// Doubles the map after `error` (a full map), up to `largestMapSize`; beyond it rethrows `error`.
    private func grow(after error: ReplayStoreError) throws {
        let (newSize, overflow) = mapSize.multipliedReportingOverflow(by: 2)
        guard !overflow, newSize <= LMDBEnvironment.largestMapSize else { throw error }
        try check(mdb_env_set_mapsize(handle, newSize), "mdb_env_set_mapsize(\(newSize))")
        mapSize = newSize
    }

    /// "the file system of DIR has N bytes free", from `statvfs`.
    private func freeSpaceDescription() -> String {
        var status = statvfs()
        guard statvfs(directory, &status) == 0 else { return "free space of \(directory) unknown" }
        return "the file system of \(directory) has \(UInt64(status.f_bavail) * UInt64(status.f_frsize)) bytes free"
    }

    /// Flushes the data and meta pages to disk (`mdb_env_sync` with force). Nothing to do read-only.
    func sync() throws {
        guard !isReadOnly else { return }
        try check(mdb_env_sync(handle, 1), "mdb_env_sync")
    }

    /// Opens (and with `create`, creates) a named database. Must run in a write transaction
    /// when creating; the handle stays valid for the life of the environment.
    func openDatabase(named name: String, in transaction: LMDBTransaction, create: Bool) throws -> LMDBDatabase {
        var dbi: MDB_dbi = 0
        let flags = create ? LMDBDatabaseFlags.create.rawValue : 0
        try check(mdb_dbi_open(transaction.handle, name, flags, &dbi), "mdb_dbi_open(\(name))")
        return LMDBDatabase(handle: dbi)
    }

    /// Begins a raw transaction for `LMDBReadSession`.
    func beginReadOnly() throws -> OpaquePointer {
        try begin(flags: LMDBEnvironmentFlags.readOnly.rawValue).handle
    }

    /// The last page in use according to the newest meta page (`mdb_env_info`), and the page size.
    func pageBounds() throws -> (lastPage: UInt64, pageSize: Int) {
        var info = MDB_envinfo()
        try check(mdb_env_info(handle, &info), "mdb_env_info")
        var stat = MDB_stat()
        try check(mdb_env_stat(handle, &stat), "mdb_env_stat")
        return (UInt64(info.me_last_pgno), Int(stat.ms_psize))
    }

    /// Size of the environment's data file in bytes.
    func dataFileSize(directory: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/data.mdb")
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }
}
