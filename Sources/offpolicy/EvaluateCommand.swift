import ArgumentParser
import Foundation
import Training
import TrainingRuns

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a run's latest policy deterministically and print the mean and std of the return.",
        discussion: """
        Loads the learner from DIR/checkpoint (written by `offpolicy train`) and
        runs --episodes episodes with deterministic actions (SAC: the mean
        action; TD3 and DDPG: no noise) on the run's environment. The std is the
        population standard deviation, as Stable-Baselines3 reports it. With
        --json the last line is
          {"return_mean": ..., "return_std": ..., "episodes": ...}
        (a non-finite value is written as null).
        """
    )

    @Option(help: "The run directory written by `offpolicy train`.", completion: .directory)
    var runDir: String

    @Option(parsing: .unconditional, help: "Evaluation episodes.")
    var episodes: Int = 10

    @Option(help: "Seed of the evaluation environment's initial states (default: the run's evaluation seed).")
    var seed: UInt64?

    @Flag(help: "End with one JSON line holding return_mean, return_std and episodes.")
    var json = false

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func validate() throws {
        try CommandLineInput.checkCount(episodes, flag: "--episodes", limit: 1_000_000)
        try CommandLineInput.checkDirectory(runDir, flag: "--run-dir", mustExist: true)
    }

    func run() throws {
        try Interruptible.run { try evaluate() }
    }

    private func evaluate() throws {
        let (config, environment, learner) = try TrainingRun.trainedLearner(in: URL(fileURLWithPath: runDir),
                                                                            environmentTimeout: environmentTimeout.seconds)
        let result = try Evaluation.run(learner, on: environment, episodes: episodes,
                                        seed: seed ?? Evaluation.environmentSeed(forRunSeed: config.seed), stopsOnRequest: true)
        print("\(config.algorithm) on \(config.environment): return " + String(format: "%.3f ± %.3f", result.mean, result.standardDeviation) + " over \(episodes) episodes")
        if json {
            func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }
            let line = "{\"return_mean\": \(number(result.mean)), \"return_std\": \(number(result.standardDeviation)), \"episodes\": \(episodes)}"
            print(line)
        }
    }
}
