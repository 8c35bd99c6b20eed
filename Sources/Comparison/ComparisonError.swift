/// Errors of `compare` and `plot`, each naming the file, run or setting at fault.
public enum ComparisonError: Error, CustomStringConvertible, Equatable {
    /// A path that holds neither a run (config.json and progress.csv) nor a comparison (runs/ or curves.csv).
    case notARunOrComparison(String)
    case unreadable(String, String)
    /// Nothing to draw or summarise.
    case noEvaluations(String)
    /// A run folder of an earlier `compare` was started with other settings than this one asks for.
    case settingsChanged(run: String, recorded: String, requested: String)
    case invalidSetting(String)
    /// Another `compare` holds the directory's lock (`compare.lock`); `process` is its id as the lock file says.
    case inUse(String, process: String)
    /// An output file cannot be written; `reason` says why.
    case unwritable(String, String)
    /// Scores that no statistic can be taken of (no tasks, a task without runs, a value that is not finite).
    case invalidScores(String)

    public var description: String {
        switch self {
        case .notARunOrComparison(let path):
            return "\(path) is neither a run directory (config.json and progress.csv) nor a compare directory (runs/ or curves.csv)"
        case .unreadable(let path, let reason): return "\(path) cannot be read: \(reason)"
        case .noEvaluations(let what): return "no evaluations to show: \(what)"
        case .settingsChanged(let run, let recorded, let requested):
            return "\(run) was started with other settings (\(recorded)) than this comparison asks for (\(requested)); use another --out, or remove that run folder to run it again"
        case .invalidSetting(let message): return message
        case .inUse(let path, let process):
            return "compare directory \(path) is in use by another compare (process \(process)); wait for it to end or use another --out"
        case .unwritable(let path, let reason): return "\(path) cannot be written: \(reason)"
        case .invalidScores(let message): return "invalid scores: \(message)"
        }
    }
}
