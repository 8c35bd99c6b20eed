/// What a committed `append` survives. Every mode survives `kill -9` of the process: LMDB writes
/// committed pages to the file before `mdb_txn_commit` returns, and the kernel keeps them.
public enum Durability: String, Codable, CaseIterable, Sendable {
    /// Default. Data and meta pages are flushed at every commit (LMDB default sync):
    /// a commit survives a power cut.
    case powerCutSafe
    /// `MDB_NOMETASYNC`: data is flushed at every commit, the meta page at the next one; a power cut
    /// may undo the last commit but never corrupts the store.
    case powerCutMayUndoLastCommit
    /// `MDB_NOSYNC`: nothing is flushed at commit; `sync()` (and closing the store) flushes. A power cut
    /// may lose or damage what was committed since the last `sync()`. For training loops that append
    /// one transition per environment step and call `sync()` at checkpoints.
    case processCrashSafe
}
