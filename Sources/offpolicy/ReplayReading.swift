import ReplayStore

/// Opens `path` read-only for `info`, `verify` and `sample`: `MDB_RDONLY`, no writer lock, so a store on
/// a read-only file system, or one this user may not write to, can still be read. Says so on standard
/// error when the store had to be read without LMDB's lock file.
func openForReading(_ path: String, cacheBudgetBytes: Int) throws -> ReplayStore {
    let store = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly, cacheBudgetBytes: cacheBudgetBytes))
    if store.isReadingWithoutLockFile {
        printError("note: \(path)/lock.mdb cannot be opened for writing; reading without LMDB's reader table (safe while no process writes to the store)")
    }
    return store
}
