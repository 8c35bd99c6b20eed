/// The files `offpolicy compare` writes into its output directory.
public enum ComparisonFiles {
    /// One folder per algorithm and seed, `runs/ALGO-seedS`, each an `offpolicy train` run directory.
    public static let runs = "runs"
    public static let curves = "curves.csv"
    public static let summary = "summary.csv"
    public static let chart = "curves.svg"
    /// Held (flock) by the `compare` working in the directory; holds its process id.
    public static let lock = "compare.lock"

    /// The run folder's name of `algorithm` with `seed`.
    public static func runName(algorithm: String, seed: UInt64) -> String { "\(algorithm)-seed\(seed)" }
}
