/// Flags of `mdb_env_open` and `mdb_txn_begin` the store uses, as Swift constants.
///
/// They are spelled out here (rather than read from the C macros at every call) so the rest of the
/// module never touches C names; `LMDBFlagsTests` checks every raw value against `lmdb.h`.
struct LMDBEnvironmentFlags: OptionSet, Sendable {
    let rawValue: UInt32
    static let noSync = LMDBEnvironmentFlags(rawValue: 0x10000)
    static let readOnly = LMDBEnvironmentFlags(rawValue: 0x20000)
    static let noMetaSync = LMDBEnvironmentFlags(rawValue: 0x40000)
    /// No lock file: used only to read a store whose `lock.mdb` this process may not open for writing.
    static let noLock = LMDBEnvironmentFlags(rawValue: 0x400000)
    static let noThreadLocalStorage = LMDBEnvironmentFlags(rawValue: 0x200000)
    static let noReadAhead = LMDBEnvironmentFlags(rawValue: 0x800000)
}
