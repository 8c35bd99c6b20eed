import ArgumentParser
import Comparison
import Environments
import Foundation
import Learners
import NeuralNetwork
import RunFiles
#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM to the signal's number; the scheduler then stops every child.
private var compareStopRequested: sig_atomic_t = 0

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Train several learners over several seeds on one environment and compare their sample efficiency.",
        discussion: """
        Every algorithm × seed is an `offpolicy train` run, a child process of
        its own in DIR/runs/ALGO-seedS (with its stdout.log, stderr.log and
        compare-run.json), --jobs at a time. A run that fails is reported (exit
        status, last lines of its stderr.log) and the others go on. One status
        line per run shows steps done, last evaluation and ETA.

        Run the same command again to resume: finished runs (exit status 0 and
        progress.csv at --steps) are not run again; unfinished ones continue
        from their last checkpoint (`train --resume`). A run folder started with
        other settings is refused. Ctrl-C stops every run at a checkpoint.

        Writes, from the finished runs:
          DIR/curves.csv    algo,seed,env_steps,eval_return (every evaluation)
          DIR/summary.csv   per algorithm: seeds, seeds reaching the threshold,
                            median env steps to reach it, final return (mean
                            and 95% bootstrap CI), AUC (the curve's average
                            return), and how many times fewer steps than the
                            fastest on-policy learner each off-policy one needs
          DIR/curves.svg    mean evaluation return against env steps, 95%
                            bootstrap band, the threshold line
        and prints the table. Exit status 0 when every run finished, 1 when
        one failed (the outputs then hold the others), 130 after Ctrl-C.

        Default thresholds: Pendulum-v1 -200, MountainCarContinuous-v0 90
        (Gymnasium's reward_threshold); other environments (gym:ID) need
        --threshold.

        \(NormalizeOption.discussion)
        With it, the table shows the final return and the AUC as normalised
        scores with their 95% intervals (each run's curve is normalised before
        the statistics), summary.csv adds the score columns after the return
        ones, and the chart draws the normalised score. curves.csv keeps the
        returns, and the threshold stays a return (the chart draws it at its
        score). A reference that cannot be had is refused with status 64
        before any run starts.

        Examples:
          offpolicy compare --env Pendulum-v1 --algos sac,td3,ddpg,ppo,a2c,reinforce \\
              --seeds 5 --steps 50000 --out runs/pendulum --jobs 2
          offpolicy compare --env gym:Hopper-v5 --algos sac,td3 --seeds 5 \\
              --steps 1000000 --threshold 3000 --normalize d4rl --out runs/hopper
          offpolicy compare --algos sac,td3 --seeds 2 --steps 3000 --out runs/small \\
              --hidden 64,64 --train-args 'td3: --batch 128'
        """
    )

    @Option(help: "The environment: \(EnvironmentName.accepted).")
    var env: EnvironmentName = .builtIn(.pendulum)

    @Option(help: "The learners, comma-separated (any of: \(Algorithms.names.joined(separator: ", ")); an offline one needs --train-args 'NAME: --dataset ...').")
    var algos: String

    @Option(parsing: .unconditional, help: "Seeds per learner: --seed-base, --seed-base + 1, ...")
    var seeds: Int = 5

    @Option(parsing: .unconditional, help: "The first seed.")
    var seedBase: UInt64 = 0

    @Option(parsing: .unconditional, help: "Environment steps of every run.")
    var steps: Int

    @Option(help: "The output directory (created; reused to resume).", completion: .directory)
    var out: String

    @Option(parsing: .unconditional, help: "Runs at a time (each one process).")
    var jobs: Int = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Threads for each run's learner updates (train --threads); results do not depend on it. Default: the cores this process may use divided among the --jobs runs, at least 1, at most \(BLAS.defaultThreadCap).",
                                                        valueName: "n"))
    var threads: Int?

    @Option(parsing: .unconditional, help: "The return that counts as solving the task (default: the environment's, as listed under 'Default thresholds' above).")
    var threshold: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Evaluate every this many steps. Default: --steps / 50.",
        discussion: "The steps to reach the threshold are known to this resolution: 50 evaluations per run keep it within 2% of the run."))
    var evalEvery: Int?

    @Option(parsing: .unconditional, help: "Episodes per evaluation.")
    var evalEpisodes: Int = 10

    @Option(help: "Hidden layer widths for every learner, comma-separated (default: each learner's own).")
    var hidden: String?

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "More `train` options, for every learner ('--batch 128') or for one ('td3: --batch 128'); repeatable.",
        discussion: "Split at spaces; not --env, --steps, --seed, --run-dir, --eval-every, --eval-episodes or --resume, which compare sets."))
    var trainArgs: [String] = []

    @Option(parsing: .unconditional, help: "Seeds the bootstrap resampling of the confidence intervals.")
    var bootstrapSeed: UInt64 = 0

    @OptionGroup var normalize: NormalizeOption

    /// The learners of --algos, in order.
    var algorithms: [String] { algos.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }

    static let ownedFlags: Set<String> = ["--env", "--steps", "--seed", "--run-dir", "--eval-every", "--eval-episodes", "--resume", "--threads"]

    /// `train --threads` of every run: --threads, else the usable cores shared among the --jobs runs
    /// (at least 1, at most `BLAS.defaultThreadCap`).
    var threadsPerRun: Int { threads ?? min(BLAS.defaultThreadCap, max(1, BLAS.usableCores / max(1, jobs))) }

    func validate() throws {
        guard !algorithms.isEmpty, algorithms.allSatisfy({ !$0.isEmpty }) else {
            throw ValidationError("--algos must name learners separated by commas, like sac,td3; got '\(algos)'")
        }
        for name in algorithms where Algorithms.configType(named: name) == nil {
            throw ValidationError("--algos: unknown learner '\(name)' (known: \(Algorithms.names.joined(separator: ", ")))")
        }
        guard Set(algorithms).count == algorithms.count else { throw ValidationError("--algos names a learner twice: '\(algos)'") }
        try CommandLineInput.checkCount(seeds, flag: "--seeds", limit: 1000)
        guard seedBase <= UInt64.max - UInt64(max(seeds, 0)) else { throw ValidationError("--seed-base is too large for \(seeds) seeds") }
        try CommandLineInput.checkCount(steps, flag: "--steps", limit: 1 << 40)
        try CommandLineInput.checkCount(jobs, flag: "--jobs", limit: 256)
        try ThreadsOption.check(threads)
        try CommandLineInput.checkCount(evalEvery, flag: "--eval-every", limit: 1 << 40)
        try CommandLineInput.checkCount(evalEpisodes, flag: "--eval-episodes", limit: 1_000_000)
        try CommandLineInput.checkDirectory(out, flag: "--out", mustExist: false)
        if let owner = OutputFile.owningDirectory(of: OutputFile.resolvedTarget(out).appendingPathComponent(ComparisonFiles.curves)),
           owner.kind != "compare" {
            throw ValidationError("--out: '\(out)' lies in the \(owner.kind) directory '\(owner.path)'; give compare a directory of its own")
        }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
        if threshold == nil && DefaultThreshold.threshold(for: env.description) == nil {
            throw ValidationError("--threshold is required for \(env.description) (it has no default)")
        }
        _ = try extraArguments()
        // Every run's command line must be one `train` accepts: a bad setting is refused before anything runs.
        for run in plannedRuns(in: URL(fileURLWithPath: out)) {
            do {
                _ = try TrainCommand.parse(Array(run.startArguments.dropFirst()))
            } catch {
                throw ValidationError("train refuses the settings of \(run.algorithm) (\(run.settings.joined(separator: " "))): \(TrainCommand.message(for: error))")
            }
        }
    }

    /// The --train-args words for every learner (key nil) and per learner.
    func extraArguments() throws -> [String?: [String]] {
        var result: [String?: [String]] = [:]
        for value in trainArgs {
            var target: String?
            var text = Substring(value)
            if let colon = value.firstIndex(of: ":"), algorithms.contains(value[..<colon].trimmingCharacters(in: .whitespaces)) {
                target = value[..<colon].trimmingCharacters(in: .whitespaces)
                text = value[value.index(after: colon)...]
            }
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            for word in words {
                let flag = String(word.split(separator: "=", maxSplits: 1).first ?? "")
                if Self.ownedFlags.contains(flag) { throw ValidationError("--train-args: \(flag) is set by compare itself") }
            }
            result[target, default: []] += words
        }
        return result
    }

    func plannedRuns(in directory: URL) -> [PlannedRun] {
        let extra = (try? extraArguments()) ?? [:]
        let interval = evalEvery ?? max(1, steps / 50)
        return algorithms.flatMap { algorithm in
            (0..<seeds).map { offset -> PlannedRun in
                let seed = seedBase + UInt64(offset)
                var settings = [algorithm, "--env", env.description, "--seed", "\(seed)",
                                "--eval-every", "\(interval)", "--eval-episodes", "\(evalEpisodes)"]
                if let hidden { settings += ["--hidden", hidden] }
                settings += (extra[nil] ?? []) + (extra[algorithm] ?? [])
                let folder = directory.appendingPathComponent(ComparisonFiles.runs)
                    .appendingPathComponent(ComparisonFiles.runName(algorithm: algorithm, seed: seed))
                return PlannedRun(algorithm: algorithm, seed: seed, folder: folder, settings: settings, steps: steps, threads: threadsPerRun)
            }
        }
    }

    /// One line per on-policy learner whose budget allows at most two updates: its curve would be
    /// nearly flat. An on-policy learner updates once per rollout of --n-envs × --n-steps steps (as
    /// its `train` command line sets them); an off-policy one updates every step after learning starts.
    func fewUpdatesWarnings() -> [String] {
        let runs = plannedRuns(in: URL(fileURLWithPath: out))
        return algorithms.compactMap { algorithm -> String? in
            guard let run = runs.first(where: { $0.algorithm == algorithm }),
                  let train = try? TrainCommand.parse(Array(run.startArguments.dropFirst())),
                  let learner = try? train.learnerConfiguration(),
                  let config = learner.config as? any OnPolicyLearnerConfig else { return nil }
            let copies = train.general.envs ?? config.onPolicy.environmentCount, length = config.onPolicy.stepsPerEnvironment
            let updates = steps / max(1, copies * length)
            guard updates <= 2 else { return nil }
            return "warning: \(algorithm) updates only \(updates) time(s) in \(steps) steps (a rollout is \(copies) × \(length) steps)"
        }
    }

    func run() throws {
        // Before any run starts: a reference that cannot be had is refused (status 64).
        let normalization = try normalize.normalization(environment: env.description)
        for warning in fewUpdatesWarnings() { printError(warning) }
        let directory = URL(fileURLWithPath: out).standardizedFileURL
        let threshold = self.threshold ?? DefaultThreshold.threshold(for: env.description)!
        let runs = plannedRuns(in: directory)
        let lock: ComparisonLock
        do {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(ComparisonFiles.runs), withIntermediateDirectories: true)
            // One compare at a time in a directory: a second one would clear or resume the first one's runs.
            lock = try ComparisonLock(directory: directory)
        } catch let error as ComparisonError {
            printError("Error: \(error.description)")
            throw ExitCode(1)
        } catch {
            printError("Error: \(directory.path) cannot be created: \(FileProblem.reason(error))")
            throw ExitCode(1)
        }
        defer { withExtendedLifetime(lock) {} }
        let scheduler: RunScheduler
        do {
            scheduler = try RunScheduler(executable: URL(fileURLWithPath: ReplayChildProcess.executablePath()), runs: runs, jobs: jobs)
        } catch let error as ComparisonError {
            printError("Error: \(error.description)")
            throw ExitCode(64)
        } catch {
            printError("Error: \(FileProblem.reason(error))")
            throw ExitCode(1)
        }
        signal(SIGINT) { compareStopRequested = $0 }
        signal(SIGTERM) { compareStopRequested = $0 }
        signal(SIGHUP) { compareStopRequested = $0 }
        // A closed standard output or error (`| head`) must not kill the parent and orphan its runs.
        signal(SIGPIPE, SIG_IGN)
        // The trainer stops cleanly on SIGINT and SIGTERM; a hang-up is passed on as SIGTERM.
        let states = scheduler.run(shouldStop: { compareStopRequested != 0 },
                                   stopSignal: { compareStopRequested == SIGHUP ? SIGTERM : compareStopRequested })
        if compareStopRequested != 0 {
            let unfinished = states.filter { !$0.isDone }.count
            printError("compare: stopped; \(unfinished) of \(runs.count) runs unfinished (checkpointed). Run the same command again to resume.")
            throw ExitCode(128 + (compareStopRequested == SIGHUP ? SIGTERM : compareStopRequested))
        }
        let failed = runs.indices.filter { !states[$0].isDone }
        for index in failed {
            let run = runs[index]
            var reason = "did not finish"
            if case .failed(let text) = states[index] { reason = text }
            printError("compare: \(run.name) failed (\(reason)); last lines of \(run.standardErrorLog.path):")
            for line in RunScheduler.lastErrorLines(of: run) { printError("    " + line) }
        }
        let curves = try runs.indices.filter { states[$0].isDone }.map { try RunFolder(runs[$0].folder).curve().truncated(to: steps) }
        guard !curves.isEmpty else {
            printError("compare: no run finished; nothing to summarise")
            throw ExitCode(1)
        }
        // A run whose last evaluation is not finite has no final return: it is said, and summarised as
        // not finite, never by an earlier evaluation.
        let nonFinite = curves.filter { $0.nonFiniteFinal != nil }
        for curve in nonFinite {
            printError("compare: \(curve.algorithm) seed \(curve.seed): the final evaluation, at step \(curve.nonFiniteFinal!.steps), is \(curve.nonFiniteFinal!.value), not a finite return; its algorithm's final return and AUC are not finite")
        }
        if let note = LearningCurve.axisNote(of: curves) { print("compare: \(note)") }
        let summary = ComparisonSummary(curves: curves, order: algorithms, threshold: threshold,
                                        isOnPolicy: { Algorithms.configType(named: $0)?.isOnPolicy ?? false },
                                        bootstrapSeed: bootstrapSeed, normalization: normalization)
        func write(_ text: String, _ name: String) throws {
            let file = directory.appendingPathComponent(name)
            do { try AtomicFile.write(Data(text.utf8), to: file) } catch {
                printError("Error: \(file.path) cannot be written: \(FileProblem.reason(error))")
                throw ExitCode(1)
            }
        }
        try write(CurvesFile.text(curves), ComparisonFiles.curves)
        try write(summary.csv, ComparisonFiles.summary)
        var written = [ComparisonFiles.curves, ComparisonFiles.summary]
        do {
            let chart = try LearningCurveChart(curves: curves, order: algorithms, environment: env.description, threshold: threshold,
                                               bootstrapSeed: bootstrapSeed, normalization: normalization)
            try write(chart.svg, ComparisonFiles.chart)
            written.append(ComparisonFiles.chart)
        } catch let error as ComparisonError {
            printError("compare: no chart drawn: \(error.description)")
        }
        print("\n" + summary.table, terminator: "")
        print("\nwrote \(written.joined(separator: ", ")) in \(directory.path)")
        if !failed.isEmpty {
            printError("compare: \(failed.count) of \(runs.count) runs failed; the outputs hold the \(runs.count - failed.count) that finished")
            throw ExitCode(1)
        }
        if !nonFinite.isEmpty || written.count < 3 {
            printError("compare: \(nonFinite.count) of \(runs.count) runs ended with an evaluation that is not finite")
            throw ExitCode(1)
        }
    }
}
