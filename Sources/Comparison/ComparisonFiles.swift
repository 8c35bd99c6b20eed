/// The files `offpolicy compare` writes into its output directory.
public enum ComparisonFiles {
    /// One folder per algorithm and seed, `runs/ALGO-seedS`, each an `offpolicy train` run directory.
    public static let runs = "runs"
    public static let curves = "curves.csv"
    public static let summary = "summary.csv"
    public static let chart = "curves.svg"

    /// The learning-curve chart of one task in a comparison over several: `curves-TASK.svg`, TASK the
    /// environment id without a `gym:` prefix.
    public static func chart(task: String) -> String {
        "curves-\(task.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? task).svg"
    }
    /// Held (flock) by the `compare` working in the directory; holds its process id.
    public static let lock = "compare.lock"

    /// The run folder's name of `algorithm` with `seed`.
    public static func runName(algorithm: String, seed: UInt64) -> String { "\(algorithm)-seed\(seed)" }

    /// The run folder's name in a comparison over several tasks: `TASK_ALGO-seedS`, the task being the
    /// environment id with everything up to its last colon dropped (`gym:Hopper-v5` gives `Hopper-v5`).
    public static func runName(algorithm: String, seed: UInt64, task: String) -> String {
        let short = task.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? task
        return "\(short)_\(algorithm)-seed\(seed)"
    }

    /// rliable's figures: aggregate metrics, IQM sample-efficiency curves, performance profiles and
    /// the probability of improvement.
    public static let aggregateChart = "aggregates.svg"
    public static let iqmChart = "iqm-curves.svg"
    public static let profileChart = "profiles.svg"
    public static let improvementChart = "improvement.svg"
    /// The score reference of every task (`TaskReference`s as JSON), which `plot --figure` reads.
    public static let references = "references.json"

    /// The probability of improvement of every learner over every other, with intervals.
    public static let improvement = "improvement.csv"
}
