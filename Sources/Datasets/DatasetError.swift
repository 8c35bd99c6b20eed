import Foundation

/// Every failure of reading, checking or writing a dataset, each naming the file, the key and, where it
/// applies, the row. Reading checks everything before anything is appended to a store, so any of these
/// from an import means the store was left as it was.
public enum DatasetError: Error, Equatable, CustomStringConvertible, LocalizedError, Sendable {
    /// An HDF5 call failed; `message` is the library's own error stack, outermost and innermost entry.
    case hdf5(operation: String, path: String, message: String)
    /// The path is neither an HDF5 file nor a directory holding a Minari dataset (or a store).
    case notADataset(path: String, reason: String)
    case missingKey(path: String, key: String)
    /// `key` has `rows` rows where `reference` has `expected`.
    case unequalLength(path: String, key: String, rows: Int, reference: String, expected: Int)
    /// `key` has a shape this format does not allow (`expected` says what it should be).
    case wrongShape(path: String, key: String, shape: [Int], expected: String)
    case unsupportedType(path: String, key: String, type: String, supported: String)
    case nonFinite(path: String, key: String, row: Int, component: Int, value: Double)
    /// A flag column (`terminals`, `timeouts`, ...) holds something other than 0 or 1.
    case invalidFlag(path: String, key: String, row: Int, value: Double)
    /// `metadata.json` of a Minari dataset is missing, does not decode, or disagrees with the data.
    case invalidMetadata(path: String, reason: String)
    /// The dataset holds no transition to import.
    case empty(path: String)
    /// The target store's schema cannot hold the dataset.
    case incompatibleStore(path: String, reason: String)
    /// Writing the output failed outside HDF5 (creating a directory, renaming into place).
    case fileSystem(operation: String, path: String, message: String)
    /// `key` declares `declaredBytes` (nil: more than an `Int` holds) but the file stores only `storedBytes` of it.
    case declaredSizeExceedsStorage(path: String, key: String, shape: [Int], declaredBytes: Int?, storedBytes: Int)
    /// Reading `key` would take `neededBytes` (nil: more than an `Int` holds), more than `DatasetMemoryLimit`.
    case declaredSizeExceedsMemory(path: String, key: String, shape: [Int], neededBytes: Int?, limit: Int)
    /// `key` keeps its data somewhere this reader does not follow (external raw files, a virtual dataset).
    case unsupportedStorage(path: String, key: String, reason: String)
    /// Attribute `name` of `key` has the wrong type or disagrees with the data.
    case invalidAttribute(path: String, key: String, name: String, reason: String)
    /// Flag `key` ends an episode at `step` of its `steps` (counting from 0); only the last step may.
    case episodeEndsEarly(path: String, key: String, step: Int, steps: Int)
    /// The output exists (and is not replaced without `--force`), or is one of the inputs.
    case outputRefused(path: String, reason: String)
    /// Writing needs about `neededBytes`; the file system holding `path` has `availableBytes` free.
    case notEnoughSpace(path: String, neededBytes: Int, availableBytes: Int)

    public var description: String {
        switch self {
        case let .hdf5(operation, path, message): return "\(path): HDF5 error in \(operation): \(message)"
        case let .notADataset(path, reason): return "\(path) is not a dataset: \(reason)"
        case let .missingKey(path, key): return "\(path): key '\(key)' is missing"
        case let .unequalLength(path, key, rows, reference, expected):
            return "\(path): key '\(key)' has \(rows) rows, '\(reference)' has \(expected)"
        case let .wrongShape(path, key, shape, expected):
            return "\(path): key '\(key)' has shape (\(shape.map(String.init).joined(separator: ", "))), expected \(expected)"
        case let .unsupportedType(path, key, type, supported):
            return "\(path): key '\(key)' has unsupported dtype \(type) (supported: \(supported))"
        case let .nonFinite(path, key, row, component, value):
            return "\(path): key '\(key)' holds the non-finite value \(value) at row \(row), component \(component)"
        case let .invalidFlag(path, key, row, value):
            return "\(path): key '\(key)' holds \(value) at row \(row); a flag must be 0 or 1"
        case let .invalidMetadata(path, reason): return "\(path): \(reason)"
        case let .empty(path): return "\(path) holds no transitions to import"
        case let .incompatibleStore(path, reason): return "the store at \(path) cannot take this dataset: \(reason)"
        case let .fileSystem(operation, path, message): return "cannot \(operation) \(path): \(message)"
        case let .declaredSizeExceedsStorage(path, key, shape, declared, stored):
            return "\(path): key '\(key)' declares shape \(Self.shapeText(shape)), \(declared.map { "\($0) bytes" } ?? "more than 2^63 bytes"), but the file stores only \(stored) bytes of it"
        case let .declaredSizeExceedsMemory(path, key, shape, needed, limit):
            return "\(path): key '\(key)' declares shape \(Self.shapeText(shape)), which needs \(needed.map { "\($0) bytes" } ?? "more than 2^63 bytes") in memory, more than the limit of \(limit) bytes (\(DatasetMemoryLimit.origin))"
        case let .unsupportedStorage(path, key, reason): return "\(path): key '\(key)' \(reason)"
        case let .invalidAttribute(path, key, name, reason): return "\(path): attribute '\(name)' of '\(key)' \(reason)"
        case let .episodeEndsEarly(path, key, step, steps):
            return "\(path): key '\(key)' ends the episode at step \(step) of its \(steps) steps; only an episode's last step may end it"
        case let .outputRefused(path, reason): return "\(path): \(reason)"
        case let .notEnoughSpace(path, needed, available):
            return "cannot write \(path): it needs about \(needed) bytes, and its file system has \(available) bytes free"
        }
    }

    public var errorDescription: String? { description }

    private static func shapeText(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}
