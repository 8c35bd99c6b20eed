import ArgumentParser
import Datasets
import Environments
import Foundation
import Learners
import NeuralNetwork
import ReplayStore
import RunFiles
import Training
import TrainingRuns
import Transitions
#if canImport(Glibc)
import Glibc
#endif

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a learner online (every transition through the run's replay store) or offline from a dataset.",
        usage: "offpolicy train <algorithm> [<options>] [<learner-options> ...]",
        discussion: """
        Learners:
        \(AlgorithmName.helpList)

        A run directory holds:
          config.json         the resolved configuration, learner config included
          progress.csv        one row per evaluation: env_steps, episodes,
                              updates, train_return, eval_return_mean,
                              eval_return_std, steps_per_s (the only timing
                              column)
          metrics.csv         env_steps, updates, updates_in_row, then the
                              learner's update metrics (critic_loss,
                              actor_loss, alpha, ...), each averaged over the
                              updates_in_row updates since the last row; a
                              row every --log-every updates, at every
                              checkpoint and at the end
          policy.safetensors  the acting policy, loadable from PyTorch
          replay/             the LMDB + zstd replay store; every training
                              batch is sampled from it
          checkpoint/         learner, random streams, environment state and
                              counters, for --resume
          tensorboard/        TensorBoard event files: progress.csv's and
                              metrics.csv's values as scalars (train/return,
                              eval/return_mean, eval/return_std,
                              time/steps_per_s, learner/NAME) at env_steps
                              (offline: updates); tensorboard --logdir DIR.
                              A full disk there warns once; training goes on.
                              --no-tensorboard writes none

        On a terminal a progress line is redrawn in place; otherwise (nohup, a
        batch job) a line per evaluation and per metrics row goes to standard
        error. --quiet shows neither.

        Ctrl-C (or SIGTERM) finishes the current step, writes a checkpoint and
        exits with status 130 (143); continue with `offpolicy train --resume DIR`.
        A gym: step or reset that has not answered a second after Ctrl-C is
        abandoned (its Python process killed): the checkpoint then holds the
        run as it was before that step. The same seed
        gives the same progress.csv on the same machine, except its
        steps_per_s column.

        --envs N acts in N copies of the environment at every loop step (copy
        c seeded with --seed + c) and appends their N transitions, as
        Stable-Baselines3's n_envs; --gradient-steps counts the updates after
        each loop step, -1 one per transition collected. A run of --steps S
        ends at the first multiple of N that reaches S. gym: copies each run
        in a Python process of their own and step in parallel; a copy that
        fails ends the run naming the copy, the last checkpoint kept.
        Learners of n-step sequences (--n-step 2 or more) need --envs 1.

        The on-policy learners (reinforce, a2c, ppo) step --envs copies (their
        --n-envs, a synonym; default 4) of the environment for --n-steps steps each, append the rollout to
        replay/ (the run's record; a2c --replay-ratio K replays from it with
        V-trace), and learn from the rollout. They take no --learning-starts,
        --gradient-steps, --dataset or --prefill; --batch is ppo's minibatch.
        ppo's defaults are RL Zoo's Pendulum-v1 settings, including gSDE
        (state-dependent exploration, new noise every 4 steps); --use-sde false
        turns it off.
        Their checkpoints fall on rollout boundaries: Ctrl-C finishes the
        rollout in progress and its update first.

        --env gym:ID runs gymnasium.make(ID) in a child Python process (Python
        from $OFFPOLICY_PYTHON, else python3; scripts/setup installs Gymnasium
        with MuJoCo and Box2D), and a second one for evaluation. Only Box
        spaces are taken. A checkpoint cannot hold Python's state: a resumed
        gym: run starts a fresh episode. If the child fails, the run stops
        with Python's last lines of standard error; the store and the last
        checkpoint stay usable. A start, reset or step that takes longer than
        --env-timeout seconds (default 300) kills the child and stops the run
        the same way, naming the call and the step. The child dies with
        offpolicy, also after kill -9. A NaN or infinite observation or reward
        stops the run naming the environment and the step.

        A loss or a parameter that stops being finite ends the run with
        "learner diverged at update N (...)" and exit status 1; the last good
        checkpoint is kept.

        Examples:
          offpolicy train sac --steps 10000 --seed 1 --run-dir runs/sac-1
          offpolicy train td3 --env Pendulum-v1 --steps 20000 --run-dir runs/td3
          offpolicy train sac --env gym:HalfCheetah-v5 --steps 50000 --run-dir runs/cheetah
          offpolicy train --resume runs/sac-1
          offpolicy train --resume runs/sac-1 --steps 20000   # extend a run
          offpolicy train bc --dataset runs/sac-1/replay --steps 2000 --run-dir runs/bc
          offpolicy train td3 --dataset STORE --offline --steps 20000 --run-dir runs/td3-offline
          offpolicy train iql --dataset D4RL.hdf5 --steps 20000 --online-steps 10000 --run-dir runs/iql-ft
          offpolicy train --resume runs/cql --online-steps 10000   # a finished offline run goes online
          offpolicy train ppo --steps 60000 --eval-every 4096 --seed 1 --run-dir runs/ppo-1
          offpolicy train a2c --replay-ratio 2 --correction vtrace --steps 60000 --run-dir runs/a2c

        """
    )


    @OptionGroup(title: "General options") var general: TrainRunOptions
    @OptionGroup(title: "Options of every learner") var common: TrainCommonOptions
    @OptionGroup(title: "Options of the off-policy and offline learners") var replay: TrainReplayOptions
    @OptionGroup(title: "Learner options") var learner: TrainLearnerArguments

    /// The learner named on the command line: the first word that is neither a flag nor a learner
    /// option's value, wherever it stands (`train sac --n-step 3` or `train --n-step 3 sac`).
    var algorithm: AlgorithmName? { LearnerArguments(learner.words).algorithm.flatMap(AlgorithmName.init(argument:)) }

    /// The learner's own options as typed, its name taken out.
    var learnerOptions: [String] { LearnerArguments(learner.words).options + replay.learnerWords }

    /// The largest count a flag accepts (steps, intervals, capacity).
    private static let countLimit = TrainingConfig.countLimit

    func validate() throws {
        // A reverb:// address never reaches here: OffPolicy.main hands such a command to offpolicy-reverb.
        if let address = replay.replay { throw ValidationError("--replay takes a Reverb table, reverb://HOST:PORT/TABLE, got '\(address)'") }
        if let name = LearnerArguments(learner.words).algorithm, AlgorithmName(argument: name) == nil {
            throw ValidationError("unknown learner '\(name)' (known: \(Algorithms.names.joined(separator: ", ")))")
        }
        try Self.refuseUnknownOptions(learnerOptions)
        if !replay.prioritized {
            for (flag, given) in [("--beta-final", replay.betaFinal != nil), ("--priority-epsilon", replay.priorityEpsilon != nil)] where given {
                throw ValidationError("\(flag) applies to --prioritized")
            }
        }
        if let problem = replay.prioritizedReplay?.problem { throw ValidationError(problem) }
        if let resume = general.resume {
            try CommandLineInput.checkDirectory(resume, flag: "--resume", mustExist: true)
            guard general.runDir == nil || general.runDir == resume else { throw ValidationError("--resume takes the run directory; do not also give a different --run-dir") }
            let fixed: [(String, Bool)] = [
                ("the learner", algorithm != nil), ("--env", general.env != nil), ("--seed", general.seed != nil), ("--hidden", common.hidden != nil),
                ("--batch", common.batch != nil), ("--lr", common.lr != nil), ("--learning-starts", replay.learningStarts != nil),
                ("--gradient-steps", replay.gradientSteps != nil), ("--replay-capacity", replay.replayCapacity != nil), ("--envs", general.envs != nil),
                ("--eval-every", general.evalEvery != nil), ("--eval-episodes", general.evalEpisodes != nil), ("--log-every", general.logEvery != nil),
                ("--checkpoint-every", general.checkpointEvery != nil), ("--dataset", replay.dataset != nil), ("--offline", replay.offline),
                ("--prefill", replay.prefill != nil), ("--demo-ratio", replay.demoRatio != nil), ("--gamma", common.gamma != nil),
                ("--no-tensorboard", general.noTensorBoard), ("--prioritized", replay.prioritized),
                ("--beta-final", replay.betaFinal != nil), ("--priority-epsilon", replay.priorityEpsilon != nil),
            ]
            let learnerFlags = learnerOptions.filter { $0.hasPrefix("--") }.map { String($0.split(separator: "=", maxSplits: 1)[0]) }
            let given = fixed.filter(\.1).map(\.0) + (learnerFlags.isEmpty && !learnerOptions.isEmpty ? learnerOptions : learnerFlags)
            guard given.isEmpty else {
                throw ValidationError("--resume continues a run with its own configuration (config.json); only --steps may be changed, not \(given.joined(separator: ", "))")
            }
            if replay.onlineSteps != nil && general.steps != nil {
                throw ValidationError("--online-steps gives the length of the online part; do not also give --steps")
            }
        } else {
            guard algorithm != nil else { throw ValidationError("name the learner: offpolicy train \(Algorithms.names.joined(separator: "|")) ... (or use --resume DIR)") }
            guard let runDir = general.runDir else { throw ValidationError("--run-dir is required for a new run") }
            try CommandLineInput.checkDirectory(runDir, flag: "--run-dir", mustExist: false)
            // compare starts its runs inside its own directory; never a run inside another run or a store.
            try OutputFile.checkNotOwned(runDir, flag: "--run-dir", isDirectory: true, allowing: ["compare"])
            let target = OutputFile.resolvedTarget(runDir)
            if let owner = OutputFile.owningDirectory(of: target.appendingPathComponent("-")), owner.kind == "compare", owner.path == target.path {
                throw ValidationError("--run-dir: '\(runDir)' is a compare directory, whose files belong to it; choose a directory of its own")
            }
            guard general.steps != nil else { throw ValidationError("--steps is required for a new run") }
            if replay.offline && replay.dataset == nil { throw ValidationError("--offline trains from a dataset: give --dataset STORE") }
            let type = Algorithms.configType(named: algorithm!.name)!
            if type.requiresDataset && replay.dataset == nil {
                throw ValidationError("\(type.algorithmName) learns from logged data: give --dataset FILE_OR_STORE")
            }
            if type.isOfflineFirst && replay.dataset == nil && general.env == nil {
                throw ValidationError("\(type.algorithmName) learns from a logged dataset first and may go on online: give --dataset FILE_OR_STORE, --env ID, or both")
            }
            if let dataset = replay.dataset, !FileManager.default.fileExists(atPath: dataset) { throw ValidationError("--dataset: '\(dataset)' does not exist") }
            if let prefill = replay.prefill, !FileManager.default.fileExists(atPath: prefill) { throw ValidationError("--prefill: '\(prefill)' does not exist") }
            try validateSchedule(type)
            if replay.prefill != nil && replay.dataset != nil { throw ValidationError("--prefill fills an online run's store; --dataset trains offline: give one of them") }
            if replay.demoRatio != nil && replay.prefill == nil { throw ValidationError("--demo-ratio needs --prefill") }
            try validateCopies(type)
            if let demoRatio = replay.demoRatio, !(0...1).contains(demoRatio) { throw ValidationError("--demo-ratio must lie in [0, 1], got \(demoRatio)") }
            if replay.onlineSteps != nil && replay.dataset == nil {
                throw ValidationError("--online-steps continues offline training online: give --dataset FILE_OR_STORE")
            }
            if replay.onlineSteps != nil && type.requiresDataset {
                throw ValidationError("\(type.algorithmName) learns from logged data only; it cannot go on online")
            }
        }
        try CommandLineInput.checkCount(general.steps, flag: "--steps", limit: Self.countLimit)
        try CommandLineInput.checkCount(replay.onlineSteps, flag: "--online-steps", limit: Self.countLimit)
        if replay.datasetRatio != nil && replay.onlineSteps == nil { throw ValidationError("--dataset-ratio needs --online-steps") }
        if let ratio = replay.datasetRatio, !(0...1).contains(ratio) { throw ValidationError("--dataset-ratio must lie in [0, 1], got \(ratio)") }
        try CommandLineInput.checkCount(general.evalEvery, flag: "--eval-every", limit: Self.countLimit)
        try CommandLineInput.checkCount(general.evalEpisodes, flag: "--eval-episodes", limit: TrainingConfig.evaluationEpisodesLimit)
        try CommandLineInput.checkCount(common.batch, flag: "--batch", limit: CommonHyperparameters.batchSizeLimit)
        try CommandLineInput.checkCount(replay.learningStarts, flag: "--learning-starts", limit: Self.countLimit, minimum: 0)
        if let gradientSteps = replay.gradientSteps, gradientSteps != -1 {
            guard (1...TrainingConfig.gradientStepsLimit).contains(gradientSteps) else {
                throw ValidationError("--gradient-steps must be -1 (one per transition collected) or lie in 1...\(TrainingConfig.gradientStepsLimit), got \(gradientSteps)")
            }
        }
        try CommandLineInput.checkCount(general.envs, flag: "--envs", limit: TrainingConfig.environmentCopiesLimit)
        try CommandLineInput.checkCount(replay.replayCapacity, flag: "--replay-capacity", limit: Self.countLimit)
        try CommandLineInput.checkCount(general.logEvery, flag: "--log-every", limit: Self.countLimit)
        try CommandLineInput.checkCount(general.checkpointEvery, flag: "--checkpoint-every", limit: Self.countLimit)
        if let lr = common.lr, !(lr > 0 && lr.isFinite) { throw ValidationError("--lr must be a positive number, got \(lr)") }
        if let gamma = common.gamma, !(0...1).contains(gamma) { throw ValidationError("--gamma must lie in [0, 1], got \(gamma)") }
        if let hidden = common.hidden { _ = try CommandLineInput.widths(hidden, flag: "--hidden", limit: CommonHyperparameters.widthLimit) }
        if general.resume == nil {
            // The same check a resumed config.json goes through.
            do { try newRunConfig().validate() } catch let error as TrainingError { throw ValidationError(error.description) }
        }
    }

    /// The environment of a new run: `--env`; else the one `--dataset` records (collect's files, Minari's
    /// env_spec, a run's store); else Pendulum-v1. A dataset that cannot be read falls back here, and its
    /// problem is reported when the run reads it.
    var environmentName: EnvironmentName {
        if let env = general.env { return env }
        if let dataset = replay.dataset, let id = (try? DatasetImporter.recordedEnvironment(of: dataset))??.id,
           let name = EnvironmentName(id) ?? EnvironmentName(EnvironmentName.gymPrefix + id) {
            return name
        }
        return .builtIn(.pendulum)
    }

    /// A new run's config from the flags (its dataset as given; `run()` imports a file first).
    func newRunConfig() throws -> TrainingConfig {
        var config = TrainingConfig.defaults(environment: environmentName.description, steps: general.steps!,
                                             seed: general.seed ?? 0, learner: try learnerConfiguration())
        if let evalEvery = general.evalEvery { config.evaluationInterval = evalEvery }
        config.checkpointInterval = general.checkpointEvery ?? config.evaluationInterval
        if let evalEpisodes = general.evalEpisodes { config.evaluationEpisodes = evalEpisodes }
        if let learningStarts = replay.learningStarts { config.learningStarts = learningStarts }
        if let gradientSteps = replay.gradientSteps { config.gradientStepsPerStep = gradientSteps }
        if let replayCapacity = replay.replayCapacity { config.replayCapacity = replayCapacity }
        if let logEvery = general.logEvery { config.metricsInterval = logEvery }
        if let envs = general.envs { config.environmentCopies = envs }
        config.dataset = replay.dataset.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        config.mode = replay.dataset == nil ? .online : .offline
        config.writesTensorBoardEvents = !general.noTensorBoard
        config.prioritizedReplay = replay.prioritizedReplay
        return config
    }

    /// Stable-Baselines3's argument names (with underscores or dashes) and the `train` options they are.
    static let stableBaselinesNames: [String: String] = [
        "total_timesteps": "--steps", "learning_rate": "--lr", "batch_size": "--batch",
        "buffer_size": "--replay-capacity", "learning_starts": "--learning-starts",
        "gradient_steps": "--gradient-steps", "seed": "--seed", "n_envs": "--envs",
        "n_steps": "--n-steps", "ent_coef": "--ent-coef",
    ]

    /// The `train` option a mistyped or foreign flag probably means (`--total-timesteps` → `--steps`).
    static func suggestion(for flag: String) -> String? {
        let key = flag.drop { $0 == "-" }.replacingOccurrences(of: "-", with: "_").lowercased()
        return stableBaselinesNames[key]
    }

    /// Refuses a flag that neither `train` nor any registered learner declares, with a suggestion
    /// when it is a Stable-Baselines3 name, before any other check ("--steps is required").
    static func refuseUnknownOptions(_ options: [String]) throws {
        let declared = Set(Algorithms.all.flatMap { $0.declaredOptions }.map(\.flag))
        for word in options where word.hasPrefix("--") && word.count > 2 {
            let flag = String(word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[0])
            guard !declared.contains(flag) else { continue }
            if let suggested = suggestion(for: flag), suggested != flag {
                throw ValidationError("unknown option '\(flag)'; did you mean \(suggested)?")
            }
            throw ValidationError("unknown option '\(flag)'")
        }
    }

    /// The learner's defaults with the common options and then its own options (`learnerOptions`,
    /// parsed and checked by the algorithm's declarations) applied.
    func learnerConfiguration() throws -> LearnerConfiguration {
        var learner = LearnerConfiguration.defaults(for: algorithm!.name)!
        if let hidden = common.hidden { learner.common.hiddenSizes = try CommandLineInput.widths(hidden, flag: "--hidden", limit: CommonHyperparameters.widthLimit) }
        if let batch = common.batch { learner.common.batchSize = batch }
        if let lr = common.lr { learner.common.learningRate = lr }
        if let gamma = common.gamma { learner.common.discount = gamma }
        return try LearnerOptionsHelp.refusingAsValidationError { try learner.applying(arguments: learnerOptions) }
    }

    /// The on-policy learners learn from their own rollouts: no warm-up, replay schedule, dataset or
    /// demonstrations; a learner that takes each rollout as one batch takes no --batch.
    private func validateSchedule(_ type: any LearnerConfig.Type) throws {
        let refused: [(String, Bool)] = (type.isOnPolicy ? [
            ("--learning-starts", replay.learningStarts != nil), ("--gradient-steps", replay.gradientSteps != nil), ("--dataset", replay.dataset != nil),
            ("--offline", replay.offline), ("--prefill", replay.prefill != nil), ("--demo-ratio", replay.demoRatio != nil),
            ("--online-steps", replay.onlineSteps != nil), ("--prioritized", replay.prioritized),
        ] : []) + [("--batch", common.batch != nil && !type.usesBatchSize)]
        let given = refused.filter(\.1).map(\.0)
        guard given.isEmpty else {
            let reason = type.isOnPolicy ? " is on-policy (it learns from rollouts of its own policy) and" : ""
            throw ValidationError("\(type.algorithmName)\(reason) does not take \(given.joined(separator: ", "))")
        }
    }

    /// `--envs` is for online runs; an on-policy learner's `--n-envs` is its synonym (the two must agree),
    /// and the others are pointed from `--n-envs` to `--envs`.
    private func validateCopies(_ type: any LearnerConfig.Type) throws {
        let given = learnerOptions.enumerated().compactMap { index, word -> String? in
            if word.hasPrefix("--n-envs=") { return String(word.dropFirst("--n-envs=".count)) }
            return word == "--n-envs" && index + 1 < learnerOptions.count ? learnerOptions[index + 1] : nil
        }
        if !type.isOnPolicy, !given.isEmpty {
            throw ValidationError("\(type.algorithmName) takes its environment copies as --envs N; --n-envs is the on-policy learners' name for it")
        }
        if let envs = general.envs, let other = given.last, Int(other) != envs {
            throw ValidationError("--envs \(envs) and --n-envs \(other) name the same setting with different values; give one of them")
        }
        if let envs = general.envs, envs > 1, replay.dataset != nil {
            throw ValidationError(replay.onlineSteps == nil
                ? "--envs sets the environment copies of an online run; an offline run (--dataset) steps no environment"
                : "--envs applies to online runs from the start; the online part of a run that trained offline first (--online-steps) steps one environment")
        }
    }

    /// Imports a D4RL file or Minari directory into `DIR/dataset` (a new run directory only) and
    /// returns the store's path.
    private func importDataset(_ source: String, into run: RunDirectory) throws -> String {
        let store = run.root.appendingPathComponent("dataset")
        let existed = FileManager.default.fileExists(atPath: run.root.path)
        let lockExisted = FileManager.default.fileExists(atPath: run.lock.path)
        // The run directory's one emptiness check, its lock held while the dataset is imported.
        let lock = try run.claimForNewRun(absent: [store])
        let report: DatasetImportReport
        do {
            var importer = DatasetImporter()
            importer.actionBounds = actionBounds()
            report = try withExtendedLifetime(lock) { try importer.importDataset(from: source, into: store.path) }
        } catch {
            // The importer removed the store it created; what this call created goes too.
            if !existed { try? FileManager.default.removeItem(at: run.root) } else if !lockExisted { try? FileManager.default.removeItem(at: run.lock) }
            throw error
        }
        print("imported \(report.transitions) transitions (\(report.episodes) episodes) from \(source) into \(store.path)")
        for note in report.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        return store.standardizedFileURL.path
    }

    /// Refuses a dataset (`--dataset` or `--prefill`) whose observation or action width is not `--env`'s, before
    /// anything is read whole or written. The dataset's widths come from its header or schema; a built-in
    /// environment's from the task, a `gym:` one's from Gymnasium's registry through the bridge (as
    /// `dataset export --env` asks it), whose process ends here.
    private func checkWidths(of dataset: String) throws {
        let widths = try DatasetImporter.widths(of: dataset)
        let name = environmentName
        let environment = try SourceEnvironment(named: name.description, callTimeout: general.environmentTimeout.seconds)
        let wanted = (environment.observationSpace.size, environment.actionSpace.size)
        guard widths == wanted else {
            throw TrainingError.mismatch("the dataset \(dataset) holds \(widths.observationSize)-d observations and \(widths.actionSize)-d actions; \(name) has \(wanted.0) and \(wanted.1)")
        }
    }

    /// The action box of a built-in `--env`, against which a dataset's actions are checked (a note
    /// counts those outside it); nil for a Gymnasium environment, which is not started for this.
    private func actionBounds() -> ActionBounds? {
        guard case .builtIn(let id) = environmentName else { return nil }
        let space = id.make().actionSpace
        return ActionBounds(owner: id.rawValue, low: space.low, high: space.high)
    }

    func run() throws {
        // A damaged B-tree page met while sampling ends the run with one line, not LMDB's abort().
        ReplayStore.lmdbAssertionResponse = .exit(status: 1, prefix: "Error: ")
        general.threads.apply()
        // From here Ctrl-C and SIGTERM request a stop: a hung environment call while the run starts ends the
        // command (nothing of the run is left), one during the run ends it with a checkpoint.
        try Interruptible.run { try train() }
    }

    private func train() throws {
        let timeout = general.environmentTimeout.seconds
        let terminal = general.quiet ? TerminalProgress(style: .silent) : TerminalProgress()
        let loop: any TrainingSession
        if let resume = general.resume, let onlineSteps = replay.onlineSteps {
            loop = try goOnline(URL(fileURLWithPath: resume), steps: onlineSteps, terminal: terminal)
        } else if let resume = general.resume {
            loop = try TrainingRun.resumeSession(in: URL(fileURLWithPath: resume), steps: general.steps, terminal: terminal, environmentTimeout: timeout)
            for notice in loop.notices { FileHandle.standardError.write(Data("note: \(notice)\n".utf8)) }
            if loop.config.mode == .offline {
                print("resuming \(resume) at update \(loop.updates) of \(loop.config.steps) (offline)")
            } else {
                print("resuming \(resume) at step \(loop.environmentSteps) of \(loop.config.steps)")
            }
        } else {
            let environment = environmentName
            var config = try newRunConfig()
            for source in [replay.dataset, replay.prefill].compactMap({ $0 }) { try checkWidths(of: source) }
            if let dataset = replay.dataset, !FileManager.default.fileExists(atPath: dataset + "/data.mdb") {
                config.dataset = try importDataset(dataset, into: RunDirectory(URL(fileURLWithPath: general.runDir!)))
            }
            var demonstrations: (batch: TransitionBatch, source: String)?
            if let prefill = replay.prefill {
                // Read whole, unlike `--dataset` (which streams into its store): the demonstrations are handed
                // to the new run's store as one batch, so they must fit the memory limit together.
                let dataset = try LoggedDataset.read(from: prefill)
                for note in dataset.notes + [actionBounds()?.note(on: dataset)].compactMap({ $0 }) {
                    FileHandle.standardError.write(Data("note: \(note)\n".utf8))
                }
                let (batch, dropped) = dataset.transitions(firstEpisodeID: 0, source: .demonstration)
                print("pre-filling the store with \(batch.count) demonstration transitions from \(prefill)"
                      + (dropped > 0 ? " (\(dropped) rows without a known next observation dropped)" : ""))
                demonstrations = (batch, URL(fileURLWithPath: prefill).standardizedFileURL.path)
            }
            do {
                loop = try TrainingRun.startSession(config, in: URL(fileURLWithPath: general.runDir!), demonstrations: demonstrations,
                                             demonstrationRatio: replay.demoRatio, terminal: terminal, environmentTimeout: timeout)
            } catch {
                // A dataset imported for this run goes with it; importing again must not append a second copy.
                if let imported = config.dataset, imported != replay.dataset.map({ URL(fileURLWithPath: $0).standardizedFileURL.path }) {
                    try? FileManager.default.removeItem(atPath: imported)
                    if (try? FileManager.default.contentsOfDirectory(atPath: general.runDir!).isEmpty) == true {
                        try? FileManager.default.removeItem(atPath: general.runDir!)
                    }
                }
                throw error
            }
            let length = config.mode == .offline ? "\(config.steps) updates offline" : "\(config.steps) steps"
            print("training \(config.algorithm) on \(environment) for \(length) (seed \(config.seed)) into \(general.runDir!)")
            if let advice = BLAS.kernelAdvice { print("note: \(advice)") }
        }
        if try runToEnd(loop), general.resume == nil, let onlineSteps = replay.onlineSteps {
            _ = try runToEnd(try goOnline(loop.directory.root, steps: onlineSteps, terminal: terminal))
        }
    }

    /// Continues the finished offline run in `directory` online (`TrainingRun.continueOnline`), saying so.
    private func goOnline(_ directory: URL, steps: Int, terminal: TerminalProgress) throws -> any TrainingSession {
        let ratio = replay.datasetRatio ?? TrainingRun.defaultDatasetRatio
        let loop = try TrainingRun.continueOnline(in: directory, steps: steps, datasetRatio: ratio, terminal: terminal,
                                                  environmentTimeout: general.environmentTimeout.seconds)
        for notice in loop.notices { FileHandle.standardError.write(Data("note: \(notice)\n".utf8)) }
        let start = loop.config.onlineStart!, prefill = loop.config.prefill!
        print("going online at update \(start.updates): \(steps) steps on \(loop.config.environment); the \(prefill.transitions) dataset transitions are pinned in \(loop.directory.replay.path), \(ratio) of every batch")
        return loop
    }

    /// Runs `loop` and prints how it ended; true when it finished.
    private func runToEnd(_ loop: any TrainingSession) throws -> Bool {
        let outcome: RunOutcome
        do {
            outcome = try loop.run(shouldStop: { StopRequest.isRequested })
        } catch let interruption as Interruption {
            printError("\(interruption); the last checkpoint stays. Continue with: offpolicy train --resume \(loop.directory.root.path)")
            throw ExitCode(StopRequest.exitStatus)
        }
        switch outcome {
        case .finished:
            let rows = try ProgressRow.read(from: loop.directory.progress)
            if loop.config.mode == .offline, let last = rows.last {
                print(String(format: "finished %d updates offline from %@; last evaluation %.2f ± %.2f over %@",
                             last.updates, loop.config.dataset ?? loop.directory.replay.path, last.evaluationReturnMean,
                             last.evaluationReturnStd, counted(loop.config.evaluationEpisodes, "episode")))
            } else if let last = rows.last {
                print(String(format: "finished %d steps, %@; last evaluation %.2f ± %.2f over %@",
                             last.environmentSteps, counted(last.episodes, "episode"), last.evaluationReturnMean, last.evaluationReturnStd,
                             counted(loop.config.evaluationEpisodes, "episode")))
            }
        case .stopped(let steps, let reason):
            // `train` passes no callbacks; a run stopped by one is reported as a library user would see it.
            print("stopped at \(loop.config.mode == .offline ? "update" : "step") \(steps): \(reason); checkpoint written. Continue with: offpolicy train --resume \(loop.directory.root.path)")
            return false
        case .interrupted(let steps):
            print("stopped at \(loop.config.mode == .offline ? "update" : "step") \(steps); checkpoint written. Continue with: offpolicy train --resume \(loop.directory.root.path)")
            throw ExitCode(StopRequest.exitStatus)  // 130 after SIGINT, 143 after SIGTERM
        }
        return true
    }
}

/// "1 episode", "2 episodes".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
