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
        abstract: "Train several learners over several seeds on one or more environments and compare their sample efficiency.",
        discussion: """
        Every algorithm × seed (× task, with several --env) is an `offpolicy
        train` run, a child process of its own in DIR/runs/ALGO-seedS (with
        several tasks DIR/runs/TASK_ALGO-seedS), with its stdout.log,
        stderr.log and compare-run.json, --jobs at a time. A run that fails is reported (exit
        status, last lines of its stderr.log) and the others go on. One status
        line per run shows steps done, last evaluation and ETA.

        Run the same command again to resume: finished runs (exit status 0 and
        progress.csv at --steps) are not run again; unfinished ones continue
        from their last checkpoint (`train --resume`). A run folder started with
        other settings is refused. Ctrl-C stops every run at a checkpoint.

        Writes, from the finished runs:
          DIR/curves.csv    algo,seed,env_steps,eval_return (every evaluation;
                            with several tasks a last column, task)
          DIR/summary.csv   per algorithm: seeds, seeds reaching the threshold,
                            median env steps to reach it, final return (mean
                            and 95% bootstrap CI), AUC (the curve's average
                            return), and how many times fewer steps than the
                            fastest on-policy learner each off-policy one needs
          DIR/curves.svg    mean evaluation return against env steps, 95%
                            bootstrap band, the threshold line (with
                            several tasks, curves-TASK.svg per task)
          DIR/improvement.csv  P(X > Y) of every pair, with its interval
          DIR/aggregates.svg, iqm-curves.svg, profiles.svg, improvement.svg
                            rliable's figures; DIR/references.json
        and prints the tables.

        Statistics over tasks (Agarwal et al. 2021, as rliable 1.2 defines
        them): each run's final return is normalised per task to
        (return − min)/(max − min), with min and max from --reference TASK=MIN:MAX,
        else D4RL's random and expert returns (gym:HalfCheetah, Hopper,
        Walker2d), else with one task --normalize's two returns, else a
        uniformly random policy's mean return over
        --eval-episodes episodes and the best evaluation return of any run on
        the task. summary.csv adds per row the task, the reference's source and
        the median and mean of task means, the IQM (25% trimmed mean over all
        runs and tasks) and the optimality gap (γ = 1), each with a stratified
        bootstrap interval (runs resampled within each task; --interval
        percentile or bca, --bootstrap-repetitions, --bootstrap-seed). With
        several tasks, rows per task come first and a row per learner with
        task "all" aggregates them. The table names each task's reference.

        Exit status 0 when every run finished, 1 when
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

    @Option(help: "The environment, or several separated by commas (every learner runs on each, with the same seeds): \(EnvironmentName.accepted).")
    var env: String = EnvironmentID.pendulum.rawValue

    @Option(parsing: .unconditionalSingleValue, help: ArgumentHelp(
        "The returns that score 0 and 1 on a task, TASK=MIN:MAX; repeatable.",
        discussion: "Default: D4RL's random and expert returns for its MuJoCo tasks, else a random policy's mean return and the best evaluation return seen.",
        valueName: "task=min:max"))
    var reference: [String] = []

    @Option(parsing: .unconditional, help: "Repetitions of the stratified bootstrap of the statistics over tasks.")
    var bootstrapRepetitions: Int = StratifiedBootstrap.defaultRepetitions

    @Option(help: "How the statistics' intervals are read from the bootstrap: percentile or bca.")
    var interval: IntervalMethod = .percentile

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

    /// The environments of --env, in order; empty when one does not parse (validate refuses it).
    var environments: [EnvironmentName] {
        let names = env.split(separator: ",").map { EnvironmentName(argument: $0.trimmingCharacters(in: .whitespaces)) }
        return names.contains { $0 == nil } ? [] : names.map { $0! }
    }

    /// The task names of --env ("Pendulum-v1", "gym:Hopper-v5").
    var tasks: [String] { environments.map(\.description) }

    /// The parsed --reference values by task.
    func givenReferences() throws -> [String: TaskReference] {
        var result: [String: TaskReference] = [:]
        for text in reference {
            let parsed: TaskReference
            do { parsed = try TaskReference(parsing: text) } catch let error as ComparisonError {
                throw ValidationError(error.description)
            }
            guard tasks.contains(parsed.task) else {
                throw ValidationError("--reference names \(parsed.task), which is not one of --env (\(tasks.joined(separator: ", ")))")
            }
            guard result[parsed.task] == nil else { throw ValidationError("--reference gives \(parsed.task) twice") }
            result[parsed.task] = parsed
        }
        return result
    }

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
        let names = env.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where EnvironmentName(argument: name) == nil {
            throw ValidationError("--env: '\(name)' is not an environment (\(EnvironmentName.accepted))")
        }
        guard Set(tasks).count == tasks.count else { throw ValidationError("--env names an environment twice: '\(env)'") }
        try CommandLineInput.checkCount(bootstrapRepetitions, flag: "--bootstrap-repetitions", limit: 10_000_000)
        _ = try givenReferences()
        if tasks.count > 1 {
            if threshold != nil { throw ValidationError("--threshold is a return of one environment; with several --env each uses its default threshold") }
            if normalize.normalize != nil { throw ValidationError("--normalize is for one environment; with several --env give --reference TASK=MIN:MAX per task") }
        }
        if let owner = OutputFile.owningDirectory(of: OutputFile.resolvedTarget(out).appendingPathComponent(ComparisonFiles.curves)),
           owner.kind != "compare" {
            throw ValidationError("--out: '\(out)' lies in the \(owner.kind) directory '\(owner.path)'; give compare a directory of its own")
        }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
        if tasks.count == 1, threshold == nil, DefaultThreshold.threshold(for: tasks[0]) == nil {
            throw ValidationError("--threshold is required for \(tasks[0]) (it has no default)")
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
        let several = tasks.count > 1
        return tasks.flatMap { task in algorithms.flatMap { algorithm in
            (0..<seeds).map { offset -> PlannedRun in
                let seed = seedBase + UInt64(offset)
                var settings = [algorithm, "--env", task, "--seed", "\(seed)",
                                "--eval-every", "\(interval)", "--eval-episodes", "\(evalEpisodes)"]
                if let hidden { settings += ["--hidden", hidden] }
                settings += (extra[nil] ?? []) + (extra[algorithm] ?? [])
                let name = several ? ComparisonFiles.runName(algorithm: algorithm, seed: seed, task: task)
                                   : ComparisonFiles.runName(algorithm: algorithm, seed: seed)
                let folder = directory.appendingPathComponent(ComparisonFiles.runs).appendingPathComponent(name)
                return PlannedRun(algorithm: algorithm, seed: seed, folder: folder, settings: settings, steps: steps, threads: threadsPerRun,
                                  task: several ? task : nil)
            }
        } }
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
        let normalization = tasks.count == 1 ? try normalize.normalization(environment: tasks[0]) : nil
        let given = try givenReferences()
        for warning in fewUpdatesWarnings() { printError(warning) }
        let directory = URL(fileURLWithPath: out).standardizedFileURL
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
        var curves = try runs.indices.filter { states[$0].isDone }.map { index -> LearningCurve in
            var curve = try RunFolder(runs[index].folder).curve().truncated(to: steps)
            curve.task = runs[index].task
            return curve
        }
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
        func write(_ text: String, _ name: String) throws {
            let file = directory.appendingPathComponent(name)
            do { try AtomicFile.write(Data(text.utf8), to: file) } catch {
                printError("Error: \(file.path) cannot be written: \(FileProblem.reason(error))")
                throw ExitCode(1)
            }
        }
        let several = tasks.count > 1
        // In a comparison of one task, its curves carry the task too, for the statistics over tasks.
        if !several { for index in curves.indices { curves[index].task = tasks[0] } }
        try write(CurvesFile.text(several ? curves : curves.map { var curve = $0; curve.task = nil; return curve }), ComparisonFiles.curves)
        var written = [ComparisonFiles.curves]
        let isOnPolicy = { (name: String) in Algorithms.configType(named: name)?.isOnPolicy ?? false }
        let summaries = tasks.map { task in
            ComparisonSummary(curves: curves.filter { $0.task == task }, order: algorithms,
                              threshold: several ? DefaultThreshold.threshold(for: task) : (self.threshold ?? DefaultThreshold.threshold(for: task)!),
                              isOnPolicy: isOnPolicy, bootstrapSeed: bootstrapSeed, normalization: normalization)
        }
        let aggregate: AggregateComparison?
        do {
            let references = try tasks.map { task -> TaskReference in
                if let reference = given[task] ?? TaskReference.d4rl(task: task) { return reference }
                // With one task, --normalize's two returns are its reference too.
                if let normalization {
                    return try TaskReference(task: task, source: .given, minimum: min(normalization.randomReturn, normalization.expertReturn),
                                             maximum: max(normalization.randomReturn, normalization.expertReturn))
                }
                let random = try RandomPolicyReturn.measure(environment: task, episodes: evalEpisodes, seed: seedBase)
                let best = curves.filter { $0.task == task }.flatMap { $0.points.map(\.value) }.max() ?? random
                return try TaskReference(task: task, source: .randomAndBest, minimum: random, maximum: best)
            }
            aggregate = try AggregateComparison(curves: curves, algorithms: algorithms, tasks: tasks, references: references,
                                                bootstrap: StratifiedBootstrap(repetitions: bootstrapRepetitions, method: interval, seed: bootstrapSeed))
        } catch {
            printError("compare: no statistics over tasks: \(error)")
            aggregate = nil
        }
        try write(Self.summaryCSV(summaries, tasks: tasks, aggregate: aggregate), ComparisonFiles.summary)
        written.append(ComparisonFiles.summary)
        if let aggregate, aggregate.algorithms.count > 1 {
            try write(aggregate.improvementCSV, ComparisonFiles.improvement)
            written.append(ComparisonFiles.improvement)
        }
        if let aggregate {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try write(String(decoding: try encoder.encode(aggregate.references), as: UTF8.self) + "\n", ComparisonFiles.references)
            written.append(ComparisonFiles.references)
            for (svg, name) in Self.figures(aggregate, xLabel: LearningCurve.axisLabel(of: curves)) {
                try write(svg, name)
                written.append(name)
            }
        }
        var chartFailed = false
        // One learning-curve chart per task: curves.svg, or curves-TASK.svg with several.
        for (task, summary) in zip(tasks, summaries) {
            let name = several ? ComparisonFiles.chart(task: task) : ComparisonFiles.chart
            do {
                let chart = try LearningCurveChart(curves: curves.filter { $0.task == task }, order: algorithms, environment: task,
                                                   threshold: summary.threshold, bootstrapSeed: bootstrapSeed, normalization: normalization)
                try write(chart.svg, name)
                written.append(name)
            } catch let error as ComparisonError {
                printError("compare: no chart drawn\(several ? " for \(task)" : ""): \(error.description)")
                chartFailed = true
            }
        }
        for (task, summary) in zip(tasks, summaries) {
            print("\n" + (several ? "\(task):\n" : "") + summary.table, terminator: "")
        }
        if let aggregate { print("\n" + aggregate.table, terminator: "") }
        print("\nwrote \(written.joined(separator: ", ")) in \(directory.path)")
        if !failed.isEmpty {
            printError("compare: \(failed.count) of \(runs.count) runs failed; the outputs hold the \(runs.count - failed.count) that finished")
            throw ExitCode(1)
        }
        if !nonFinite.isEmpty || chartFailed {
            printError("compare: \(nonFinite.count) of \(runs.count) runs ended with an evaluation that is not finite")
            throw ExitCode(1)
        }
    }

    /// summary.csv: the rows of every task's `ComparisonSummary` (its columns as for one task), each
    /// followed by `task`, `reference` (the source of the task's score reference) and the aggregate
    /// columns over that task's runs; with several tasks, then a row per learner with task `all`, the
    /// aggregates over every task, and empty per-task columns. With one task, the aggregate columns are
    /// the statistics over its runs. Without statistics (a reference that could not be had), those
    /// columns are empty.
    static func summaryCSV(_ summaries: [ComparisonSummary], tasks: [String], aggregate: AggregateComparison?) -> String {
        let several = tasks.count > 1
        var lines: [String] = []
        var width = 0
        for (index, summary) in summaries.enumerated() {
            let rows = summary.csv.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
            if lines.isEmpty { lines.append(rows[0] + ",task,reference," + AggregateComparison.csvColumns) }
            width = rows[0].split(separator: ",").count
            for (row, line) in zip(summary.rows, rows.dropFirst()) {
                let reference = aggregate?.references[index].source.rawValue ?? ""
                let fields = aggregate?.csvFields(algorithm: row.algorithm, taskIndex: several ? index : nil)
                    ?? Array(repeating: "", count: AggregateMetric.allCases.count * 3)
                lines.append(([line, ComparisonSummary.csvField(tasks[index]), reference] + fields).joined(separator: ","))
            }
        }
        if several, let aggregate {
            for algorithm in aggregate.algorithms {
                let seeds = summaries.flatMap(\.rows).filter { $0.algorithm == algorithm }.map(\.seeds).reduce(0, +)
                let policy = summaries.flatMap(\.rows).first { $0.algorithm == algorithm }.map { $0.isOnPolicy ? "on" : "off" } ?? ""
                var fields = [algorithm, policy, "\(seeds)"] + Array(repeating: "", count: max(0, width - 3))
                fields += ["all", ""] + aggregate.csvFields(algorithm: algorithm)
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// rliable's figures of `aggregate`, with their file names: aggregate metrics, IQM curves (when
    /// every learner has one), performance profiles, and the probability of improvement (two learners or more).
    static func figures(_ aggregate: AggregateComparison, xLabel: String) -> [(String, String)] {
        var figures = [(IntervalChart(aggregates: aggregate).svg, ComparisonFiles.aggregateChart)]
        if !aggregate.iqmCurves.isEmpty {
            figures.append((LearningCurveChart(iqmCurves: aggregate, xLabel: xLabel).svg, ComparisonFiles.iqmChart))
        }
        figures.append((LearningCurveChart(profiles: aggregate).svg, ComparisonFiles.profileChart))
        if aggregate.algorithms.count > 1 {
            figures.append((IntervalChart(improvements: aggregate).svg, ComparisonFiles.improvementChart))
        }
        return figures
    }
}
