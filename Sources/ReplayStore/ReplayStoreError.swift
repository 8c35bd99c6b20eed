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
        }
    }
}
