import ArgumentParser
import Comparison
import Foundation
import Training
import TrainingRuns

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a run's latest policy and print the mean and std of the return.",
        discussion: """
        Loads the learner from DIR/checkpoint (written by `offpolicy train`) and
        runs --episodes episodes with deterministic actions (SAC: the mean
        action; TD3 and DDPG: no noise) on the run's environment. The std is the
        population standard deviation, as Stable-Baselines3 reports it. With
        --json the last line is
          {"return_mean": ..., "return_std": ..., "episodes": ...}
        (a non-finite value is written as null).

        For off-policy evaluation's ground truth, --stochastic samples actions
        from π (seeded by --seed) and --gamma G reports the discounted return
        Σ γ^t r_t; both add return_sem (the standard error of the mean) to the
        line, and --gamma adds gamma.

        \(NormalizeOption.discussion)
        It prints the normalised mean and std (the std times 100 / |R_expert −
        R_random|) and a line naming the reference; --json adds
        normalized_mean, normalized_std, reference_random, reference_expert
        and reference (a short name of the reference) to the line. A reference
        that cannot be had (d4rl on another environment, equal or non-finite
        returns, a missing dataset) is refused with status 64 before any
        episode runs.

        Examples:
          offpolicy evaluate --run-dir runs/hopper --normalize d4rl
          offpolicy evaluate --run-dir runs/pendulum --normalize -1200,-150 --json
          offpolicy evaluate --run-dir runs/cheetah \\
              --normalize cheetah-random.hdf5,cheetah-expert.hdf5
          offpolicy evaluate --run-dir runs/pendulum --stochastic --gamma 0.99 \\
              --episodes 1000 --json
        """
    )

    @Option(help: "The run directory written by `offpolicy train`.", completion: .directory)
    var runDir: String

    @Option(parsing: .unconditional, help: "Evaluation episodes.")
    var episodes: Int = 10

    @Option(help: "Seed of the evaluation environment's initial states (default: the run's evaluation seed).")
    var seed: UInt64?

    @Flag(help: "End with one JSON line holding return_mean, return_std and episodes (with --normalize, also the scores and the reference).")
    var json = false

    @Option(help: "Discount γ in (0, 1] of the reported return Σ γ^t r_t (default 1: the plain sum).")
    var gamma: Double = 1

    @Flag(help: "Sample actions from the policy π instead of taking its deterministic action.")
    var stochastic = false

    @OptionGroup var normalize: NormalizeOption

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func validate() throws {
        try CommandLineInput.checkCount(episodes, flag: "--episodes", limit: 1_000_000)
        try CommandLineInput.checkDirectory(runDir, flag: "--run-dir", mustExist: true)
        guard gamma > 0, gamma <= 1 else {
            throw ValidationError("--gamma must lie in (0, 1]; got \(gamma).")
        }
        if gamma < 1, normalize.normalize != nil {
            throw ValidationError("--normalize compares undiscounted returns; it cannot be used with --gamma \(gamma).")
        }
    }

    func run() throws {
        try Interruptible.run { try evaluate() }
    }

    private func evaluate() throws {
        let (config, environment, learner) = try TrainingRun.trainedLearner(in: URL(fileURLWithPath: runDir),
                                                                            environmentTimeout: environmentTimeout.seconds)
        // Before any episode runs, so that a refused reference costs nothing.
        let normalization = try normalize.normalization(environment: config.environment)
        let result = try Evaluation.run(learner, on: environment, episodes: episodes,
                                        seed: seed ?? Evaluation.environmentSeed(forRunSeed: config.seed),
                                        discount: gamma, deterministic: !stochastic, stopsOnRequest: true)
        let kind = (gamma < 1 ? "discounted return (γ = \(gamma))" : "return") + (stochastic ? " of π's sampled actions" : "")
        print("\(config.algorithm) on \(config.environment): \(kind) " + String(format: "%.3f ± %.3f", result.mean, result.standardDeviation)
              + " over \(episodes) episodes" + (gamma < 1 || stochastic ? String(format: " (standard error %.3f)", result.standardError) : ""))
        if let normalization {
            print("normalised score " + String(format: "%.2f ± %.2f", normalization.score(result.mean), normalization.scoreSpread(result.standardDeviation)))
            print("reference: \(normalization.description)")
        }
        if json {
            func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
            var line = "{\"return_mean\": \(number(result.mean)), \"return_std\": \(number(result.standardDeviation)), \"episodes\": \(episodes)"
            if gamma < 1 || stochastic { line += ", \"return_sem\": \(number(result.standardError)), \"stochastic\": \(stochastic)" }
            if gamma < 1 { line += ", \"gamma\": \(gamma)" }
            if let normalization {
                line += ", \"normalized_mean\": \(number(normalization.score(result.mean)))"
                    + ", \"normalized_std\": \(number(normalization.scoreSpread(result.standardDeviation)))"
                    + ", \"reference_random\": \(number(normalization.randomReturn)), \"reference_expert\": \(number(normalization.expertReturn))"
                    + ", \"reference\": \(try jsonLine(normalization.label))"
            }
            print(line + "}")
        }
    }
}
