/// Every failure of the store, each naming what went wrong and where.
public enum ReplayStoreError: Error, Equatable, CustomStringConvertible, Sendable {
    case lmdb(operation: String, code: Int32, message: String)
    case zstd(operation: String, message: String)
    case notAStore(path: String)
    case storeExists(path: String)
    case schemaMismatch(path: String, differences: [String])
    case invalidSchema(String)
    case wrongSize(column: String, expected: Int, actual: Int)
    case nonFinite(column: String, row: Int, component: Int, value: Float)
    case corruptChunk(chunk: UInt64, firstTransition: UInt64, reason: String)
    case corruptStore(reason: String)
    case empty(path: String)
    /// No run of `length` consecutive transitions of one episode lies in the live transitions
    /// (`ReplayStore.sampleSequences`).
    case noValidSequence(path: String, length: Int, liveTransitions: Int)
    /// `data.mdb` is shorter than its newest meta page says it is (`expectedBytes`); nil when the file
    /// is too short to hold the two meta pages at all. LMDB would map the missing pages and die on SIGBUS.
    case truncated(path: String, fileBytes: Int, expectedBytes: Int?)
    /// `data.mdb` is not a file LMDB can open safely: no valid meta page, an impossible page size.
    case damagedDataFile(path: String, reason: String)
    /// Another process holds the store's writer lock (`pid` as it recorded itself, nil when unknown).
    case writerActive(path: String, pid: Int32?)
    /// A read-only open could not open `lock.mdb` (`reason`), and a writer (`writer`, when known) is at work,
    /// so reading without LMDB's reader table is unsafe.
    case unsafeToReadWithoutLockFile(path: String, reason: String, writer: Int32?)
    /// The store was opened with `StoreAccess.readOnly` and something tried to write.
    case readOnly(path: String)
    /// A size from a caller or a file is outside what the store accepts.
    case limitExceeded(name: String, value: String, limit: String)
    /// A file operation outside LMDB failed (the writer lock, reading the meta pages), with `strerror`'s text.
    case fileSystem(operation: String, path: String, message: String)
    /// An environment record (`recordSourceEnvironment`) that does not fit the store, or differs from the one it has.
    case sourceEnvironmentMismatch(path: String, reason: String)
    /// A `PrioritySettings` value out of range (the sentence names it).
    case invalidPrioritySetting(String)
    /// A priority update's value at `position` is NaN, infinite or negative.
    case invalidPriority(position: Int, index: UInt64, value: Float)
    /// A priority update names a transition that is not live (evicted, or not appended yet).
    case notLive(position: Int, index: UInt64, appended: UInt64)
    /// A store opened read-only that keeps no priorities was sampled by priority.
    case noPriorities(path: String)

    /// LMDB found a page it cannot use: the B-tree is damaged.
    var isDamagedTree: Bool {
        guard case .lmdb(_, let code, _) = self else { return false }
        return code == LMDBReturnCode.corrupted.rawValue || code == LMDBReturnCode.pageNotFound.rawValue
    }

    var isMapFull: Bool {
        if case .lmdb(_, let code, _) = self { return code == LMDBReturnCode.mapFull.rawValue }
        return false
    }

    public var description: String {
        switch self {
        case let .lmdb(operation, code, message): return "LMDB error in \(operation): \(message) (code \(code))"
        case let .zstd(operation, message): return "zstd error in \(operation): \(message)"
        case let .notAStore(path): return "\(path) is not a replay store (no schema found); create it first"
        case let .storeExists(path): return "a replay store already exists at \(path)"
        case let .schemaMismatch(path, differences):
            return "the store at \(path) has a different schema: " + differences.joined(separator: "; ")
        case let .invalidSchema(message): return "invalid schema: \(message)"
        case let .wrongSize(column, expected, actual):
            return "wrong size for column '\(column)': expected \(expected) values, got \(actual)"
        case let .nonFinite(column, row, component, value):
            return "non-finite value \(value) in column '\(column)' at row \(row) of the batch, component \(component); nothing was appended"
        case let .corruptChunk(chunk, first, reason):
            return "chunk \(chunk) (transitions from \(first)) is corrupt: \(reason)"
        case let .corruptStore(reason): return "the store is corrupt: \(reason)"
        case let .empty(path): return "the store at \(path) holds no transitions to sample"
        case let .noValidSequence(path, length, live):
            return "the store at \(path) holds no run of \(length) consecutive transitions within one episode "
                + "(\(live) live transitions; a run may end at, but not continue past, a terminated or truncated one)"
        case let .truncated(path, fileBytes, expectedBytes?):
            return "store truncated: \(path)/data.mdb holds \(fileBytes) bytes, its meta page expects \(expectedBytes)"
        case let .truncated(path, fileBytes, nil):
            return "store truncated: \(path)/data.mdb holds \(fileBytes) bytes, too few for LMDB's two meta pages"
        case let .damagedDataFile(path, reason): return "\(path)/data.mdb is damaged: \(reason)"
        case let .writerActive(path, pid?): return "store \(path) is open for writing by process \(pid)"
        case let .writerActive(path, nil): return "store \(path) is open for writing by another process"
        case let .unsafeToReadWithoutLockFile(path, reason, writer):
            return "cannot read store \(path): its lock file lock.mdb cannot be opened (\(reason)), and reading without it is unsafe while "
                + (writer.map { "process \($0)" } ?? "another process") + " writes to the store"
        case let .readOnly(path): return "the store at \(path) was opened read-only; it cannot be written"
        case let .limitExceeded(name, value, limit): return "\(name) \(value) exceeds the limit of \(limit)"
        case let .fileSystem(operation, path, message): return "cannot \(operation) \(path): \(message)"
        case let .sourceEnvironmentMismatch(path, reason): return "cannot record the environment of the store at \(path): \(reason)"
        case let .invalidPrioritySetting(problem): return "\(problem); nothing was sampled"
        case let .invalidPriority(position, index, value):
            return "priority \(value) at position \(position) (transition \(index)) is not a finite number ≥ 0; no priority was changed"
        case let .notLive(position, index, appended):
            return "transition \(index) at position \(position) of the priority update is not live (evicted, or beyond the \(appended) appended); no priority was changed"
        case let .noPriorities(path):
            return "the store at \(path) keeps no priorities yet and was opened read-only; open it for writing once (`offpolicy replay prioritize \(path)`) to add them"
        }
    }
}
