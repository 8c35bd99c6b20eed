/// The files `offpolicy compare` writes into its output directory.
public enum ComparisonFiles {
    /// One folder per algorithm and seed, `runs/ALGO-seedS`, each an `offpolicy train` run directory.
    public static let runs = "runs"
    public static let curves = "curves.csv"
    public static let summary = "summary.csv"
    public static let chart = "curves.svg"

    /// The run folder's name of `algorithm` with `seed`.
    public static func runName(algorithm: String, seed: UInt64) -> String { "\(algorithm)-seed\(seed)" }
}
