/// A named database handle (`MDB_dbi`) inside an environment.
struct LMDBDatabase: Sendable {
    let handle: UInt32

    /// LMDB's free-page list (`FREE_DBI`): readable in read-only transactions only.
    static let freePages = LMDBDatabase(handle: 0)
    /// LMDB's main database (`MAIN_DBI`), whose entries are the named databases.
    static let main = LMDBDatabase(handle: 1)
}
