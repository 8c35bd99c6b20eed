/// Errors of a run directory's files, each naming the file or directory at fault.
public enum RunFileError: Error, CustomStringConvertible, Equatable {
    /// Another process holds the directory's lock (`run.lock`); `process` is its id as the lock file says.
    case inUse(String, process: String)
    /// A file exists but cannot be opened or parsed.
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .inUse(let path, let process): return "run directory \(path) in use by process \(process)"
        case .unreadable(let path, let reason): return "\(path) cannot be read: \(reason)"
        }
    }
}
