/// Flags of `mdb_dbi_open` the store uses (checked against lmdb.h by `LMDBFlagsTests`).
struct LMDBDatabaseFlags: OptionSet, Sendable {
    let rawValue: UInt32
    static let create = LMDBDatabaseFlags(rawValue: 0x40000)
}
