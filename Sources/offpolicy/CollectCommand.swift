import ArgumentParser
import Datasets
import Environments
import Foundation
import ReplayStore
import Training
import TrainingRuns

/// `offpolicy collect`: roll out a trained policy (or uniform random actions) and record a D4RL file.
struct CollectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Roll out a trained policy and record the transitions as a D4RL-style HDF5 file.",
        discussion: """
        Writes observations, actions, rewards, terminals, timeouts, next_observations and \
        infos/action_log_probs: the log-density of each executed action under the policy that acted, in \
        environment units (tanh and action-scale Jacobians included). A deterministic policy \
        (--deterministic, or TD3/DDPG/deterministic BC acting without noise) has no density: NaN. --random \
        acts uniformly in the action box (log-density -sum log(high - low)) and needs --env. The file's \
        attributes env_spec, observation_space and action_space name the environment and its bounds, which \
        dataset import records in the store and dataset export writes out again.

        Examples:
          offpolicy collect --run-dir runs/sac-1 --steps 10000 --out expert.hdf5
          offpolicy collect --random --env Pendulum-v1 --steps 10000 --out random.hdf5
          offpolicy collect --random --env gym:Hopper-v5 --steps 10000 --out hop.hdf5
        """)

    @Option(help: "The run whose latest policy acts (written by `offpolicy train`).", completion: .directory)
    var runDir: String?

    @Flag(help: "Act uniformly at random instead of with a trained policy.")
    var random = false

    @Option(help: "The environment (default: the run's; with --random: required): \(EnvironmentName.accepted).")
    var env: EnvironmentName?

    @Option(parsing: .unconditional, help: "Transitions to record.")
    var steps: Int

    @Option(help: "The D4RL HDF5 file to write (must not exist; missing folders above it are created).", completion: .file())
    var out: String

    @Flag(help: "Act with the policy's deterministic action instead of sampling it.")
    var deterministic = false

    @Option(parsing: .unconditional, help: "Seeds the environment's initial states and the policy's sampling.")
    var seed: UInt64 = 0

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func validate() throws {
        try CommandLineInput.checkCount(steps, flag: "--steps", limit: 10_000_000)
        guard random != (runDir != nil) else { throw ValidationError("give either --run-dir DIR or --random") }
        if random && env == nil { throw ValidationError("--random needs --env") }
        if random && deterministic { throw ValidationError("--deterministic applies to a trained policy, not --random") }
        if let runDir { try CommandLineInput.checkDirectory(runDir, flag: "--run-dir", mustExist: true) }
        guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("--out: '\(out)' exists; choose a new file") }
        try OutputFile.checkNotOwned(out, flag: "--out", isDirectory: false)
        var inputs: [String] = []
        if let runDir { inputs.append(runDir) }
        do { try D4RLFile.checkOutput(out, inputs: inputs) } catch { throw ValidationError("--out: \(error)") }
    }

    func run() throws {
        try Interruptible.run { try collect() }
    }

    /// Ctrl-C or SIGTERM stops between steps (or abandons a hung gym: call) before anything is written.
    private func collect() throws {
        let timeout = environmentTimeout.seconds
        let actor: Rollout.Actor
        let environment: any Environment
        let name: EnvironmentName?
        if let runDir {
            let (config, runEnvironment, learner) = try TrainingRun.trainedLearner(in: URL(fileURLWithPath: runDir), environmentTimeout: timeout)
            environment = try env.map { try TrainingRun.makeEnvironment(named: $0.description, callTimeout: timeout) } ?? runEnvironment
            name = env ?? EnvironmentName(config.environment)
            guard environment.observationSpace.dimension == learner.observationSize,
                  environment.actionSpace.dimension == learner.actionSize else {
                throw ValidationError("--env \(env!) does not fit the run's \(config.environment) policy")
            }
            actor = .learner(learner, deterministic: deterministic)
        } else {
            environment = try TrainingRun.makeEnvironment(named: env!.description, callTimeout: timeout)
            name = env
            actor = .uniform
        }
        _ = try withCleanErrors {
            try D4RLFile.checkFreeSpace(rows: steps, observationSize: environment.observationSpace.dimension,
                                        actionSize: environment.actionSpace.dimension, at: out)
        }
        let progress = TerminalProgress()
        let batch = try Rollout.collect(actor, on: environment, steps: steps, seed: seed, stopsOnRequest: true) { done in
            progress.update(steps: done, totalSteps: steps, recentReturn: .nan, lastEvaluation: nil)
        }
        progress.finish()
        var dataset = LoggedDataset(transitions: batch)
        // Written always, as the help says: NaN where the acting policy has no density.
        dataset.behaviorLogProbabilities = batch.behaviorLogProbabilities
        dataset.environment = name.map { SourceEnvironment(environment, name: $0) }
        _ = try withCleanErrors { try D4RLFile.write(dataset, to: out, inputs: runDir.map { [$0] } ?? []) }
        let summary = DatasetSummary(dataset)
        print("wrote \(batch.count) transitions (\(dataset.episodeLengths.count) episodes) to \(out); "
              + String(format: "episode return %.1f ± %.1f", summary.returnMean, summary.returnStd))
    }
}
