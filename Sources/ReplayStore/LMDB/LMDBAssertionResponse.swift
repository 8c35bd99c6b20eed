/// What a process does when LMDB's own consistency check (`mdb_assert`) fails.
///
/// LMDB keeps no page checksums. When it meets a damaged B-tree page (say, one flipped bit in a branch
/// page) an internal assertion fails and LMDB calls `abort()`: nothing can continue in that process,
/// and nothing uncommitted is written. The store installs a handler (`mdb_env_set_assert`) on every
/// environment it opens; this chooses what the handler does before LMDB would abort.
public enum LMDBAssertionResponse: Equatable, Sendable {
    /// LMDB's own behaviour: it prints the assertion and aborts (SIGABRT, a core dump where enabled).
    case abort
    /// Print one line, `prefix` + "store DIR: B-tree damaged (LMDB aborted: <assertion>)", on standard
    /// error, flush standard output, and end the process with `status` at once (`_exit`): a command-line
    /// tool's clean failure instead of a core dump.
    case exit(status: Int32, prefix: String)
}
