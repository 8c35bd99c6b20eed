/// A named database handle (`MDB_dbi`) inside an environment.
struct LMDBDatabase: Sendable {
    let handle: UInt32
}
