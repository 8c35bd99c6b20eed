import ArgumentParser
import Comparison
import Datasets

/// `--normalize REF` of `evaluate`, `compare` and `plot`: report D4RL's normalised score against the
/// reference returns REF names (`ScoreReference`).
struct NormalizeOption: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Also report D4RL's normalised score 100·(R − random)/(expert − random): d4rl (D4RL's returns of HalfCheetah, Hopper or Walker2d), RANDOM,EXPERT (two returns) or RANDOM_DATASET,EXPERT_DATASET (two datasets' mean episode returns).",
        valueName: "ref"))
    var normalize: String?

    /// The explanation the commands' discussions share.
    static let discussion = """
        --normalize REF adds D4RL's normalised score, 100·(R − R_random) /
        (R_expert − R_random): 0 is the random reference, 100 the expert one.
        REF is one of
          d4rl            D4RL's reference returns of the environment
                          (gym:HalfCheetah-v*, gym:Hopper-v*, gym:Walker2d-v*)
          RANDOM,EXPERT   two returns, such as -280.18,12135
          RANDOM_DATASET,EXPERT_DATASET
                          two datasets (D4RL HDF5 files or Minari
                          directories): their mean episode returns, as
                          `offpolicy dataset info` reports them
        """

    /// The parsed reference; nil without --normalize.
    func reference() throws -> ScoreReference? {
        guard let normalize else { return nil }
        do {
            return try ScoreReference(parsing: normalize)
        } catch let error as ScoreNormalizationError {
            throw ValidationError(error.description)
        }
    }

    func validate() throws { _ = try reference() }

    /// The normalisation of runs on `environment` (nil: unknown); nil without --normalize. A refusal
    /// is a `ValidationError` (status 64) of one sentence.
    func normalization(environment: String?) throws -> ScoreNormalization? {
        guard let reference = try reference() else { return nil }
        do {
            return try reference.normalization(environment: environment, meanReturn: Self.meanEpisodeReturn)
        } catch let error as ScoreNormalizationError {
            throw ValidationError(error.description)
        }
    }

    /// A dataset's mean episode return, as `offpolicy dataset info` reports it.
    static func meanEpisodeReturn(ofDatasetAt path: String) throws -> Double {
        let summary = DatasetSummary(try LoggedDataset.read(from: path))
        guard summary.episodes > 0 else { throw DatasetError.empty(path: path) }
        return summary.returnMean
    }
}
