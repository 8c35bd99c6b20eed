import ArgumentParser
import Environments
import Foundation
import Learners
import Training
#if canImport(Glibc)
import Glibc
#endif


/// Set by SIGINT/SIGTERM to the signal's number; the training loop checks it after every step,
/// writes a checkpoint and stops.
private var stopRequested: sig_atomic_t = 0

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train an off-policy learner, writing every transition to the run's replay store.",
        discussion: """
        Learners:
        \(AlgorithmName.helpList)

        A run directory holds:
          config.json         the resolved configuration, learner config included
          progress.csv        one row per evaluation: env_steps, episodes,
                              updates, train_return, eval_return_mean,
                              eval_return_std, steps_per_s (the only timing
                              column)
          metrics.csv         env_steps, updates, then the learner's update
                              metrics (critic_loss, actor_loss, alpha, ...),
                              each averaged over the updates since the last
                              row; a row every --log-every updates
          policy.safetensors  the acting policy, loadable from PyTorch
          replay/             the LMDB + zstd replay store; every training
                              batch is sampled from it
          checkpoint/         learner, random streams, environment state and
                              counters, for --resume

        Ctrl-C (or SIGTERM) finishes the current step, writes a checkpoint and
        exits; continue with `offpolicy train --resume DIR`. The same seed
        gives the same progress.csv on the same machine, except its
        steps_per_s column.

        A loss or a parameter that stops being finite ends the run with
        "learner diverged at update N (...)" and exit status 1; the last good
        checkpoint is kept.

        Examples:
          offpolicy train sac --steps 10000 --seed 1 --run-dir runs/sac-1
          offpolicy train td3 --env Pendulum-v1 --steps 20000 --run-dir runs/td3
          offpolicy train --resume runs/sac-1
          offpolicy train --resume runs/sac-1 --steps 20000   # extend a run
        """
    )

    @Argument(help: "The learner: \(Algorithms.names.joined(separator: ", ")). Not needed with --resume.")
    var algorithm: AlgorithmName?

    @Option(help: "The environment (\(EnvironmentID.allValueStrings.joined(separator: ", "))).")
    var env: EnvironmentID = .pendulum

    @Option(help: "Environment steps to collect in total (with --resume: a new total).")
    var steps: Int?

    @Option(help: "Seeds every random stream of the run.")
    var seed: UInt64 = 0

    @Option(help: "The run directory to create (must not already hold a run).", completion: .directory)
    var runDir: String?

    @Option(help: "Evaluate deterministically and write a progress row every this many steps.")
    var evalEvery: Int = 1000

    @Option(help: "Episodes per evaluation.")
    var evalEpisodes: Int = 10

    @Option(help: "Hidden layer widths, comma-separated (default: the learner's: SAC 256,256; TD3 and DDPG 400,300).")
    var hidden: String?

    @Option(help: "Transitions per gradient step (default: the learner's, 256).")
    var batch: Int?

    @Option(help: "Adam learning rate (default: the learner's: SAC 3e-4; TD3 and DDPG 1e-3).")
    var lr: Double?

    @Option(help: "Uniformly random warm-up steps before learning (Stable-Baselines3's learning_starts).")
    var learningStarts: Int = 100

    @Option(help: "Gradient steps after each environment step once learning has started.")
    var gradientSteps: Int = 1

    @Option(help: "Transitions the replay store keeps; the oldest chunks are evicted beyond.")
    var replayCapacity: Int = 1_000_000

    @Option(help: "Write a row of averaged learner metrics to metrics.csv every this many updates.")
    var logEvery: Int = 1000

    @Option(help: "Write a checkpoint every this many steps (default: --eval-every).")
    var checkpointEvery: Int?

    @Option(help: "Continue the interrupted (or finished) run in this directory.", completion: .directory)
    var resume: String?

    var hiddenSizes: [Int]? {
        get throws {
            guard let hidden else { return nil }
            let widths = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--hidden must be positive widths separated by commas, like 256,256; got '\(hidden)'")
            }
            return widths.map { $0! }
        }
    }

    func validate() throws {
        if let resume {
            guard FileManager.default.fileExists(atPath: resume) else { throw ValidationError("--resume: '\(resume)' does not exist") }
            guard runDir == nil || runDir == resume else { throw ValidationError("--resume takes the run directory; do not also give a different --run-dir") }
            guard hidden == nil, batch == nil, lr == nil, algorithm == nil else {
                throw ValidationError("--resume continues a run with its own configuration (config.json); only --steps may be changed")
            }
        } else {
            guard algorithm != nil else { throw ValidationError("name the learner: offpolicy train \(Algorithms.names.joined(separator: "|")) ... (or use --resume DIR)") }
            guard runDir != nil else { throw ValidationError("--run-dir is required for a new run") }
            guard steps != nil else { throw ValidationError("--steps is required for a new run") }
        }
        if let steps, steps <= 0 { throw ValidationError("--steps must be positive") }
        guard evalEvery > 0 else { throw ValidationError("--eval-every must be positive") }
        guard evalEpisodes > 0 else { throw ValidationError("--eval-episodes must be positive") }
        if let batch, batch <= 0 { throw ValidationError("--batch must be positive") }
        if let lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number") }
        guard learningStarts >= 0 else { throw ValidationError("--learning-starts must not be negative") }
        guard gradientSteps > 0 else { throw ValidationError("--gradient-steps must be positive") }
        guard replayCapacity > 0 else { throw ValidationError("--replay-capacity must be positive") }
        guard logEvery > 0 else { throw ValidationError("--log-every must be positive") }
        if let checkpointEvery, checkpointEvery <= 0 { throw ValidationError("--checkpoint-every must be positive") }
        _ = try hiddenSizes
    }

    func run() throws {
        let loop: TrainingLoop
        if let resume {
            loop = try TrainingRun.resume(in: URL(fileURLWithPath: resume), steps: steps)
            for notice in loop.notices { FileHandle.standardError.write(Data("note: \(notice)\n".utf8)) }
            print("resuming \(resume) at step \(loop.environmentSteps) of \(loop.config.steps)")
        } else {
            var learner = LearnerConfiguration.defaults(for: algorithm!.name)!
            if let widths = try hiddenSizes { learner.common.hiddenSizes = widths }
            if let batch { learner.common.batchSize = batch }
            if let lr { learner.common.learningRate = lr }
            let config = TrainingConfig(environment: env.rawValue, steps: steps!, seed: seed, learner: learner,
                                        evaluationInterval: evalEvery, evaluationEpisodes: evalEpisodes,
                                        checkpointInterval: checkpointEvery, learningStarts: learningStarts,
                                        gradientStepsPerStep: gradientSteps, replayCapacity: replayCapacity,
                                        metricsInterval: logEvery)
            loop = try TrainingRun.start(config, in: URL(fileURLWithPath: runDir!))
            print("training \(config.algorithm) on \(env.rawValue) for \(config.steps) steps (seed \(seed)) into \(runDir!)")
        }
        signal(SIGINT) { stopRequested = $0 }
        signal(SIGTERM) { stopRequested = $0 }
        let outcome = try loop.run(shouldStop: { stopRequested != 0 })
        switch outcome {
        case .finished:
            let rows = try ProgressRow.read(from: loop.directory.progress)
            if let last = rows.last {
                print(String(format: "finished %d steps, %d episodes; last evaluation %.2f ± %.2f over %d episodes",
                             last.environmentSteps, last.episodes, last.evaluationReturnMean, last.evaluationReturnStd, loop.config.evaluationEpisodes))
            }
        case .interrupted(let steps):
            print("stopped at step \(steps); checkpoint written. Continue with: offpolicy train --resume \(loop.directory.root.path)")
            throw ExitCode(128 + stopRequested)  // 130 after SIGINT, 143 after SIGTERM
        }
    }
}
