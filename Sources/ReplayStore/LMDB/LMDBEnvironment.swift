internal import CLMDB
import Foundation

/// Owns one LMDB environment handle (`MDB_env`). Closed in `deinit`.
///
/// LMDB allows one open environment per file per process; the store is opened once per process.
final class LMDBEnvironment {
    let handle: OpaquePointer
    /// The map size this process uses; grown by `write` when a transaction hits `MDB_MAP_FULL`.
    private(set) var mapSize: Int

    init(directory: String, mapSize: Int, maxDatabases: UInt32, flags: LMDBEnvironmentFlags) throws {
        var environment: OpaquePointer?
        try check(mdb_env_create(&environment), "mdb_env_create")
        guard let environment else { throw ReplayStoreError.lmdb(operation: "mdb_env_create", code: -1, message: "no handle") }
        handle = environment
        self.mapSize = mapSize
        do {
            try check(mdb_env_set_maxdbs(handle, maxDatabases), "mdb_env_set_maxdbs")
            try check(mdb_env_set_maxreaders(handle, 126), "mdb_env_set_maxreaders")
            try check(mdb_env_set_mapsize(handle, mapSize), "mdb_env_set_mapsize(\(mapSize))")
            try check(mdb_env_open(handle, directory, flags.rawValue, 0o644), "mdb_env_open(\(directory))")
            // Another process may already have grown the map beyond what we asked for.
            var info = MDB_envinfo()
            try check(mdb_env_info(handle, &info), "mdb_env_info")
            self.mapSize = max(mapSize, info.me_mapsize)
        } catch {
            mdb_env_close(handle)
            throw error
        }
    }

    deinit { mdb_env_close(handle) }

    /// Runs `body` in a write transaction: commits when it returns, aborts when it throws.
    /// A full map is grown (doubled) and the whole transaction retried, so `body` must be re-runnable.
    func write<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        while true {
            let transaction = try begin(flags: 0)
            do {
                let result = try body(transaction)
                try check(mdb_txn_commit(transaction.handle), "mdb_txn_commit")
                return result
            } catch let error as ReplayStoreError where error.isMapFull {
                mdb_txn_abort(transaction.handle)
                try grow()
            } catch {
                mdb_txn_abort(transaction.handle)
                throw error
            }
        }
    }

    /// Runs `body` in a read-only snapshot transaction. Values read must be copied out before it returns.
    /// The transaction is committed (not aborted) on success so database handles opened in it stay valid.
    func read<T>(_ body: (LMDBTransaction) throws -> T) throws -> T {
        let transaction = try begin(flags: LMDBEnvironmentFlags.readOnly.rawValue)
        do {
            let result = try body(transaction)
            try check(mdb_txn_commit(transaction.handle), "mdb_txn_commit(read-only)")
            return result
        } catch {
            mdb_txn_abort(transaction.handle)
            throw error
        }
    }

    private func begin(flags: UInt32) throws -> LMDBTransaction {
        var transaction: OpaquePointer?
        var code = mdb_txn_begin(handle, nil, flags, &transaction)
        if code == LMDBReturnCode.mapResized.rawValue {
            try adoptMapSizeOfOtherProcess()
            code = mdb_txn_begin(handle, nil, flags, &transaction)
        }
        try check(code, "mdb_txn_begin")
        return LMDBTransaction(handle: transaction!)
    }

    /// Another process grew the map: adopt its size (`mdb_env_set_mapsize(env, 0)`).
    func adoptMapSizeOfOtherProcess() throws {
        try check(mdb_env_set_mapsize(handle, 0), "mdb_env_set_mapsize(0)")
        var info = MDB_envinfo()
        try check(mdb_env_info(handle, &info), "mdb_env_info")
        mapSize = info.me_mapsize
    }

    private func grow() throws {
        let newSize = mapSize * 2
        try check(mdb_env_set_mapsize(handle, newSize), "mdb_env_set_mapsize(\(newSize))")
        mapSize = newSize
    }

    /// Flushes the data and meta pages to disk (`mdb_env_sync` with force).
    func sync() throws {
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

    /// Size of the environment's data file in bytes.
    func dataFileSize(directory: String) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/data.mdb")
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }
}
