import ArgumentParser
import Environments
import Foundation
import Learners
import ReverbClient
import ReverbTraining
import RunFiles
import Training
import TrainingRuns

struct ReverbTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train SAC, TD3 or DDPG from batches sampled from a Reverb table, publishing its policy to a weights table.",
        usage: "offpolicy-reverb train sac|td3|ddpg --replay reverb://HOST:PORT/TABLE --run-dir DIR --steps UPDATES [<options>] [<learner-options> ...]",
        discussion: """
        The run directory is the one `offpolicy train` writes (config.json,
        progress.csv with one row per evaluation, metrics.csv,
        policy.safetensors, checkpoint/, tensorboard/), with --steps counting
        learner updates. Run the same command again with the same --run-dir to
        resume from its checkpoint (the learner's options are then its
        config.json's; --steps may extend it).

        Every --publish-every updates the policy (policy.safetensors's bytes)
        goes to --weights-table, where actors read it (TD3's and DDPG's with
        their --exploration-noise, which the actors add). With a prioritized
        table, each sampled item's priority becomes the learner's |TD error| +
        --priority-epsilon (the server raises it to its own exponent), and the
        critic loss is weighted by (N·P(i))^-β / max, β annealed from --beta
        to --beta-final over the run's updates. A sample waits for the table's
        rate limiter as long as it takes (a note says so); Ctrl-C or SIGTERM
        then ends the run, the last checkpoint kept.

        Example:
          offpolicy-reverb train sac --replay reverb://10.0.0.5:8000/replay \\
              --env Pendulum-v1 --hidden 64,64 --steps 20000 --run-dir runs/sac-reverb

        """
    )

    @Option(help: "The replay table: reverb://HOST:PORT/TABLE.")
    var replay: String

    @Option(help: "The table the policy weights are published to.")
    var weightsTable = "weights"

    @Option(name: [.customLong("run-dir"), .customLong("run")], help: "The run directory: created, or resumed when it holds a run.")
    var runDir: String

    @Option(help: "The environment evaluated on (its widths must be the table's): Pendulum-v1 (or pendulum), MountainCarContinuous-v0, gym:ID.")
    var env: EnvironmentArgument?

    @Option(help: "Learner updates in total (required for a new run; with a run to resume: a new total).")
    var steps: Int?

    @Option(help: "Seeds the learner and the evaluations. Default: 0.")
    var seed: UInt64?

    @Option(help: "Hidden layer widths, comma-separated (default: the learner's, SAC 256,256).")
    var hidden: String?

    @Option(help: "Transitions per update (default: 256).")
    var batch: Int?

    @Option(help: "Adam learning rate (default: the learner's).")
    var lr: Double?

    @Option(help: "Discount γ (default: 0.99).")
    var gamma: Double?

    @Option(help: "Publish the policy to the weights table every this many updates.")
    var publishEvery = 100

    @Option(help: "Evaluate deterministically and write a progress row every this many updates. Default: 1000.")
    var evalEvery: Int?

    @Option(help: "Episodes per evaluation. Default: 10.")
    var evalEpisodes: Int?

    @Option(help: "Write a checkpoint every this many updates (default: --eval-every).")
    var checkpointEvery: Int?

    @Option(help: "Write a metrics.csv row every this many updates. Default: 1000.")
    var logEvery: Int?

    @Option(help: "Prioritized tables: the importance-weight exponent β at the first update.")
    var beta = 0.4

    @Option(help: "Prioritized tables: β at the last update.")
    var betaFinal = 1.0

    @Option(help: "Prioritized tables: ε added to every |TD error|.")
    var priorityEpsilon = 1e-6

    @Option(help: "Seconds one sample call waits for the rate limiter before trying again.")
    var rateLimiterTimeout = 5.0

    @Flag(name: .customLong("no-tensorboard"), help: "Write no TensorBoard event files.")
    var noTensorBoard = false

    @Flag(help: "Show no progress line.")
    var quiet = false

    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The learner (sac, td3 or ddpg) and its own options, as `offpolicy train` takes them.", valueName: "algorithm> <learner-options"))
    var words: [String] = []

    func validate() throws {
        guard publishEvery >= 1 else { throw ValidationError("--publish-every must be positive, got \(publishEvery)") }
        for (flag, value) in [("--steps", steps), ("--eval-every", evalEvery), ("--eval-episodes", evalEpisodes), ("--checkpoint-every", checkpointEvery),
                              ("--log-every", logEvery), ("--batch", batch)] {
            if let value, value < 1 { throw ValidationError("\(flag) must be positive, got \(value)") }
        }
        guard rateLimiterTimeout > 0, rateLimiterTimeout <= 3600 else { throw ValidationError("--rate-limiter-timeout must lie in (0, 3600] seconds, got \(rateLimiterTimeout)") }
        if let problem = PrioritizedReplay(beta: beta, betaFinal: betaFinal, epsilon: priorityEpsilon).problem { throw ValidationError(problem) }
    }

    func run() throws {
        do {
            try train()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private var algorithm: String? { words.first { !$0.hasPrefix("-") } }
    private var learnerOptions: [String] {
        guard let algorithm, let index = words.firstIndex(of: algorithm) else { return words }
        var options = words
        options.remove(at: index)
        return options
    }

    private func train() throws {
        let directory = URL(fileURLWithPath: runDir)
        let run = RunDirectory(directory)
        let resuming = FileManager.default.fileExists(atPath: run.config.path)
        var config: TrainingConfig
        if resuming {
            config = try TrainingRun.config(in: directory)
            if let steps { config.steps = steps }
            if let env, env.description != config.environment {
                throw ValidationError("\(runDir) holds a run on \(config.environment), not \(env); give another --run-dir")
            }
        } else {
            config = try newConfig()
        }
        guard config.mode == .offline, config.dataset == nil, ActingPolicies.algorithms.contains(config.learner.algorithm) else {
            throw ValidationError("\(runDir) holds a run that did not learn from a Reverb table; give another --run-dir")
        }
        let environment = try TrainingRun.makeEnvironment(named: config.environment)
        let widths = (environment.observationSpace.dimension, environment.actionSpace.dimension)
        let (client, table) = try ReplayAddress.connect(replay, weightsTable: weightsTable) { widths }
        defer { let client = client; try? blocking { await client.close() } }

        // A prioritized table makes this a prioritized run, with the table's exponent as α.
        let prioritized: PrioritizedReplay?
        if case .prioritized(let exponent) = table.info.sampler {
            prioritized = config.prioritizedReplay ?? PrioritizedReplay(alpha: exponent, beta: beta, betaFinal: betaFinal, epsilon: priorityEpsilon)
        } else {
            prioritized = nil
        }
        if resuming, (prioritized == nil) != (config.prioritizedReplay == nil) {
            throw ValidationError("\(runDir) holds a run that sampled \(config.prioritizedReplay == nil ? "uniformly" : "by priority"); table '\(table.name)' samples \(prioritized == nil ? "uniformly" : "by priority")")
        }
        config.prioritizedReplay = prioritized
        try config.validate()

        StopRequest.install()
        let replayStore = ReverbReplay(client: client, table: table, rateLimiterTimeout: .milliseconds(Int(rateLimiterTimeout * 1000)),
                                       countFloor: resuming ? Self.checkpointedCount(in: run) : 0)
        if !resuming { try waitForFirstItems(replayStore) }
        let learner = try TrainingRun.makeLearner(config, for: environment)
        let terminal = quiet ? TerminalProgress(style: .silent) : TerminalProgress()
        let evaluation = try TrainingRun.makeEnvironment(named: config.environment)
        let loop: TrainingLoop
        if resuming {
            loop = try TrainingLoop(resuming: run, config: config, environment: environment, evaluationEnvironment: evaluation,
                                    learner: learner, store: replayStore, terminal: terminal)
            for notice in loop.core.notices { FileHandle.standardError.write(Data("note: \(notice)\n".utf8)) }
            print("resuming \(runDir) at update \(loop.core.updates) of \(config.steps), sampling \(client.address)")
        } else {
            loop = try TrainingLoop(starting: config, in: run, environment: environment, evaluationEnvironment: evaluation,
                                    learner: learner, store: replayStore, terminal: terminal)
            print("training \(config.learner.algorithm) for \(config.steps) updates from \(client.address)\(prioritized == nil ? "" : " (prioritized)") into \(runDir), evaluating on \(config.environment)")
        }
        let publisher = WeightsPublisher(client: client, table: weightsTable, interval: publishEvery)
        let outcome: RunOutcome
        do {
            outcome = try loop.run(callbacks: [publisher], shouldStop: { StopRequest.isRequested })
        } catch let interruption as Interruption {
            FileHandle.standardError.write(Data("\(interruption); the last checkpoint stays. Continue with the same command.\n".utf8))
            throw ExitCode(StopRequest.exitStatus)
        }
        switch outcome {
        case .finished:
            try publisher.publish(loop.core)
            let last = try loop.core.progressRows().last
            print(String(format: "finished %d updates (%d items sampled); last evaluation %.2f ± %.2f", loop.core.updates, replayStore.sampledItems,
                         last?.evaluationReturnMean ?? .nan, last?.evaluationReturnStd ?? .nan))
        case .stopped(let steps, let reason):
            print("stopped at update \(steps): \(reason); checkpoint written")
        case .interrupted(let steps):
            print("stopped at update \(steps); checkpoint written. Continue with the same command.")
            throw ExitCode(StopRequest.exitStatus)
        }
    }

    /// A new run's config: the learner's defaults with the given options, offline mode (it steps no environment), length in updates.
    private func newConfig() throws -> TrainingConfig {
        guard let algorithm else { throw ValidationError("name the learner: offpolicy-reverb train sac --replay reverb://HOST:PORT/TABLE ...") }
        guard ActingPolicies.algorithms.contains(algorithm) else {
            throw ValidationError("actors act with \(ActingPolicies.algorithms.joined(separator: ", ")) policies; the distributed run cannot train '\(algorithm)'")
        }
        guard let steps else { throw ValidationError("--steps (learner updates in total) is required for a new run") }
        guard var learner = LearnerConfiguration.defaults(for: algorithm) else { throw ValidationError("unknown learner '\(algorithm)'") }
        if let hidden {
            let widths = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !widths.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("--hidden takes positive widths separated by commas, got '\(hidden)'") }
            learner.common.hiddenSizes = widths.map { $0! }
        }
        if let batch { learner.common.batchSize = batch }
        if let lr { learner.common.learningRate = lr }
        if let gamma { learner.common.discount = gamma }
        do { learner = try learner.applying(arguments: learnerOptions) } catch { throw ValidationError("\(error)") }
        if let sac = learner.config as? SACConfig, sac.nStep != 1 {
            throw ValidationError("a Reverb table holds single transitions: train with one-step targets (--n-step 1)")
        }
        var config = TrainingConfig.defaults(environment: (env ?? EnvironmentArgument(argument: "Pendulum-v1")!).description, steps: steps,
                                             seed: seed ?? 0, learner: learner)
        config.mode = .offline
        config.learningStarts = 0
        if let evalEvery { config.evaluationInterval = evalEvery }
        config.checkpointInterval = checkpointEvery ?? config.evaluationInterval
        if let evalEpisodes { config.evaluationEpisodes = evalEpisodes }
        if let logEvery { config.metricsInterval = logEvery }
        config.writesTensorBoardEvents = !noTensorBoard
        return config
    }

    /// A new run starts once the table holds an item (an offline loop refuses an empty store); the wait is announced once.
    private func waitForFirstItems(_ replay: ReverbReplay) throws {
        var announced = false
        while try replay.transitionCount == 0 {
            if !announced { print("waiting for actors to insert into \(replay.client.address)"); announced = true }
            if StopRequest.isRequested { throw ExitCode(StopRequest.exitStatus) }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    /// The inserts count the run's checkpoint recorded (`storedTransitions` of checkpoint/state.json), 0 without one.
    static func checkpointedCount(in run: RunDirectory) -> Int {
        for folder in [run.checkpoint, run.root.appendingPathComponent("checkpoint.old")] {
            let file = folder.appendingPathComponent("state.json")
            guard let data = try? Data(contentsOf: file),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let count = object["storedTransitions"] as? Int else { continue }
            return count
        }
        return 0
    }
}
