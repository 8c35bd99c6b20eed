import ArgumentParser
import Comparison
import Foundation
import Learners
import NeuralNetwork
import RunFiles

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the learning-curve chart of any runs (run directories, compare directories, or both), and summarise them.",
        discussion: """
        Each path is a run directory (config.json and progress.csv, as `offpolicy
        train` writes), or a compare directory (every run under its runs/, or its
        curves.csv). Runs are grouped by learner: one line per learner, the mean
        evaluation return over its runs with a 95% bootstrap band, as `compare`
        draws it. The threshold line defaults to the environment's (Pendulum-v1
        -200, MountainCarContinuous-v0 90).

        --summary FILE writes the table `compare` writes as summary.csv, over the
        same runs (any learner's, also another toolkit's runs in this format) and
        prints it: per learner, the final return (mean over runs of the last
        evaluation, 95% bootstrap CI) and the AUC (mean over runs of the curve's
        average return, 95% bootstrap CI); with a threshold, also the runs that
        reached it and the median steps to reach it. Each run counts as far as
        it has been evaluated, so give runs of the same length. FILE must not
        exist, and must not lie inside a given path or a run directory.

        --out must be a new file (or give --force to replace one), and never a
        file inside a run or compare directory. A run whose last evaluation is
        not finite (nan) is named in a warning; its finite evaluations are drawn.

        --figure aggregates|iqm|profiles|improvement draws, from one compare
        directory, the figure of rliable's statistics over tasks that compare
        wrote (aggregates.svg, iqm-curves.svg, profiles.svg, improvement.svg),
        recomputed from its curves.csv and references.json with
        --bootstrap-seed, --bootstrap-repetitions and --interval (compare's
        defaults give compare's figure).

        \(NormalizeOption.discussion)
        With it, the chart and the summary show normalised scores as `compare
        --normalize` does (the threshold stays a return). d4rl needs runs that
        name one environment: run directories, or a compare directory's runs.

        Examples:
          offpolicy plot runs/sac-1 --out sac.svg
          offpolicy plot runs/sac-1 runs/sac-2 runs/td3-1 --out chart.svg
          offpolicy plot runs/pendulum --out pendulum.svg
          offpolicy plot runs/cheetah/offpolicy runs/cheetah/sb3/sac-seed1 \\
              --summary cheetah-summary.csv --no-threshold
          offpolicy plot runs/hopper --out hopper-scores.svg --normalize d4rl
          offpolicy plot runs/tasks --figure profiles --out profiles.svg
        """
    )

    @Argument(help: "Run directories or compare directories.", completion: .directory)
    var paths: [String] = []

    @Option(help: "The SVG file to write: a new file (or --force), never one inside a run or compare directory.", completion: .file(extensions: ["svg"]))
    var out: String?

    @Option(help: "Also write the per-learner summary table (summary.csv's columns) to this new CSV file, and print it.",
            completion: .file(extensions: ["csv"]))
    var summary: String?

    @Option(parsing: .unconditional, help: "Draw this return as the threshold line (default: the environment's, if it has one).")
    var threshold: Double?

    @Flag(help: "Draw no threshold line.")
    var noThreshold = false

    @Option(parsing: .unconditional, help: "Seeds the bootstrap resampling of the band.")
    var bootstrapSeed: UInt64 = 0

    @Flag(help: "Replace --out if it exists (never a file inside a run or compare directory).")
    var force = false

    @OptionGroup var normalize: NormalizeOption

    @Option(help: "The figure: curves (learning curves, any runs), or from one compare directory aggregates, iqm, profiles or improvement.")
    var figure: PlotFigure = .curves

    @Option(parsing: .unconditional, help: "Repetitions of the stratified bootstrap of --figure aggregates, iqm, profiles and improvement.")
    var bootstrapRepetitions: Int = StratifiedBootstrap.defaultRepetitions

    @Option(help: "The intervals of those figures: percentile or bca.")
    var interval: IntervalMethod = .percentile

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one run or compare directory") }
        for path in paths { try CommandLineInput.checkDirectory(path, flag: "a path", mustExist: true) }
        guard out != nil || summary != nil else { throw ValidationError("give --out, --summary or both") }
        if let out { try OutputFile.check(out, flag: "--out", force: force) }
        if let summary { try Self.checkSummaryPath(summary, inputs: paths) }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
        if threshold != nil && noThreshold { throw ValidationError("give --threshold or --no-threshold, not both") }
        if figure != .curves {
            guard paths.count == 1, out != nil, summary == nil, normalize.normalize == nil else {
                throw ValidationError("--figure \(figure.rawValue) draws from one compare directory to --out, without --summary or --normalize")
            }
            try CommandLineInput.checkCount(bootstrapRepetitions, flag: "--bootstrap-repetitions", limit: 10_000_000)
        }
    }

    /// rliable's figure `figure` from the compare directory at `path`, recomputed.
    func statisticsFigure(from path: String) throws -> String {
        let directory = URL(fileURLWithPath: path)
        let referencesFile = directory.appendingPathComponent(ComparisonFiles.references)
        let references: [TaskReference]
        do {
            guard let data = try SmallFile.contents(of: referencesFile, limit: 1 << 20) else {
                printError("Error: \(path) holds no \(ComparisonFiles.references); --figure \(figure.rawValue) needs a compare directory whose statistics over tasks were computed")
                throw ExitCode(64)
            }
            references = try JSONDecoder().decode([TaskReference].self, from: data)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("Error: \(referencesFile.path) cannot be read: \(FileProblem.reason(error))")
            throw ExitCode(1)
        }
        do {
            var curves = try CurvesFile.read(from: directory.appendingPathComponent(ComparisonFiles.curves))
            // A comparison of one task writes no task column.
            if references.count == 1 { for index in curves.indices where curves[index].task == nil { curves[index].task = references[0].task } }
            var algorithms: [String] = []
            for curve in curves where !algorithms.contains(curve.algorithm) { algorithms.append(curve.algorithm) }
            let aggregate = try AggregateComparison(curves: curves, algorithms: algorithms, tasks: references.map(\.task), references: references,
                                                    bootstrap: StratifiedBootstrap(repetitions: bootstrapRepetitions, method: interval, seed: bootstrapSeed))
            guard let svg = CompareCommand.figures(aggregate, xLabel: LearningCurve.axisLabel(of: curves))
                .first(where: { $0.1 == figure.compareFile })?.0 else {
                printError("Error: \(path) has no \(figure.rawValue) figure (the probability of improvement needs two learners; IQM curves runs that share evaluated steps)")
                throw ExitCode(1)
            }
            return svg
        } catch let error as ComparisonError {
            printError("Error: \(error.description)")
            throw ExitCode(1)
        }
    }

    func run() throws {
        if figure != .curves, let out {
            let svg = try statisticsFigure(from: paths[0])
            do { try AtomicFile.write(Data(svg.utf8), to: URL(fileURLWithPath: out)) } catch {
                printError("Error: \(out) cannot be written: \(FileProblem.reason(error))")
                throw ExitCode(1)
            }
            print("wrote \(out): the \(figure.rawValue) figure of \(paths[0])")
            return
        }
        let set: CurveSet
        do {
            set = try CurveSet.load(paths.map { URL(fileURLWithPath: $0) })
        } catch let error as ComparisonError {
            printError("Error: \(error.description)")
            if case .notARunOrComparison = error { throw ExitCode(64) }
            throw ExitCode(1)
        }
        for curve in set.curves {
            guard let final = curve.nonFiniteFinal else { continue }
            let drawn = curve.points.last.map { "the chart draws its evaluations up to step \($0.steps)" } ?? "it has no finite evaluation to draw"
            printError("warning: \(curve.algorithm) seed \(curve.seed): the final evaluation, at step \(final.steps), is \(final.value), not a finite return; \(drawn)")
        }
        // A compare directory over several tasks: its runs' returns are on different scales.
        for path in paths {
            let file = URL(fileURLWithPath: path).appendingPathComponent(ComparisonFiles.references)
            guard let data = try? SmallFile.contents(of: file, limit: 1 << 20),
                  let references = try? JSONDecoder().decode([TaskReference].self, from: data), references.count > 1 else { continue }
            printError("plot: warning: \(path) compares \(references.count) tasks (\(references.map(\.task).joined(separator: ", "))); each learner's line averages their returns. Its curves-TASK.svg are per task, and --figure draws the statistics over tasks.")
        }
        let normalization = try normalize.normalization(environment: set.environment)
        if let note = LearningCurve.axisNote(of: set.curves.filter(\.hasEvaluations)) { print("plot: \(note)") }
        let line = noThreshold ? nil : threshold ?? set.environment.flatMap(DefaultThreshold.threshold(for:))
        if let out {
            let chart: LearningCurveChart
            do {
                chart = try LearningCurveChart(curves: set.curves, environment: set.environment, threshold: line, bootstrapSeed: bootstrapSeed,
                                               normalization: normalization)
            } catch let error as ComparisonError {
                printError("Error: \(error.description)")
                throw ExitCode(1)
            }
            do {
                try AtomicFile.write(Data(chart.svg.utf8), to: URL(fileURLWithPath: out))
            } catch {
                printError("Error: \(out) cannot be written: \(FileProblem.reason(error))")
                throw ExitCode(1)
            }
            let lines = chart.curves.map { "\($0.algorithm) (\($0.seeds) run\($0.seeds == 1 ? "" : "s"))" }
            print("wrote \(out): \(lines.joined(separator: ", "))")
        }
        if let summary { try writeSummary(of: set, threshold: line, normalization: normalization, to: summary) }
    }

    /// Writes and prints the table `compare` writes, over every curve of `set` with an evaluation.
    func writeSummary(of set: CurveSet, threshold: Double?, normalization: ScoreNormalization?, to path: String) throws {
        let curves = set.curves.filter { !$0.points.isEmpty }
        guard !curves.isEmpty else {
            printError("Error: no run has an evaluation yet; nothing to summarise")
            throw ExitCode(1)
        }
        // The final return is read at each run's last evaluation: say so when those differ.
        let lastSteps = Set(curves.map { $0.points.last!.steps })
        if lastSteps.count > 1 {
            printError("plot: warning: the runs' last evaluations are at different steps (\(lastSteps.sorted().map(String.init).joined(separator: ", "))); final returns and AUCs are over different spans")
        }
        let table = ComparisonSummary(curves: curves, order: set.algorithms, threshold: threshold,
                                      isOnPolicy: { Algorithms.configType(named: $0)?.isOnPolicy ?? false },
                                      bootstrapSeed: bootstrapSeed, normalization: normalization)
        do {
            // Never replaces a file: one created since validate() is refused here.
            try Data(table.csv.utf8).write(to: URL(fileURLWithPath: path), options: .withoutOverwriting)
        } catch {
            printError("Error: \(path) cannot be written: \(FileProblem.reason(error))")
            throw ExitCode(1)
        }
        print("\n" + table.table, terminator: "")
        print("\nwrote \(path)")
    }

    /// A summary file must be new, and must not lie in a given path or in a run directory (whose files
    /// belong to its run).
    static func checkSummaryPath(_ path: String, inputs: [String]) throws {
        guard !path.isEmpty else { throw ValidationError("--summary must not be empty") }
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) || (try? manager.destinationOfSymbolicLink(atPath: path)) != nil {
            throw ValidationError("--summary: '\(path)' exists; give a new file (plot never replaces one)")
        }
        let file = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath()
        for input in inputs {
            let folder = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
            if file.pathComponents.starts(with: folder.pathComponents) {
                throw ValidationError("--summary: '\(path)' lies inside '\(input)', one of the paths summarised")
            }
        }
        var parent = file.deletingLastPathComponent()
        while true {
            if RunFolder(parent).holdsRun {
                throw ValidationError("--summary: '\(path)' lies inside the run directory '\(parent.path)'")
            }
            if parent.path == "/" || parent.pathComponents.count <= 1 { break }
            parent = parent.deletingLastPathComponent()
        }
        guard manager.fileExists(atPath: file.deletingLastPathComponent().path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--summary: the folder of '\(path)' does not exist")
        }
        try OutputFile.checkNotOwned(path, flag: "--summary", isDirectory: false)
    }
}
