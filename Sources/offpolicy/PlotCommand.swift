import ArgumentParser
import Comparison
import Foundation
import NeuralNetwork
import RunFiles

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the learning-curve chart of any runs: run directories, compare directories, or both.",
        discussion: """
        Each path is a run directory (config.json and progress.csv, as `offpolicy
        train` writes), or a compare directory (every run under its runs/, or its
        curves.csv). Runs are grouped by learner: one line per learner, the mean
        evaluation return over its runs with a 95% bootstrap band, as `compare`
        draws it. The threshold line defaults to the environment's (Pendulum-v1
        -200, MountainCarContinuous-v0 90).

        --out must be a new file (or give --force to replace one), and never a
        file inside a run or compare directory. A run whose last evaluation is
        not finite (nan) is named in a warning; its finite evaluations are drawn.

        Examples:
          offpolicy plot runs/sac-1 --out sac.svg
          offpolicy plot runs/sac-1 runs/sac-2 runs/td3-1 --out chart.svg
          offpolicy plot runs/pendulum --out pendulum.svg
        """
    )

    @Argument(help: "Run directories or compare directories.", completion: .directory)
    var paths: [String] = []

    @Option(help: "The SVG file to write.", completion: .file(extensions: ["svg"]))
    var out: String

    @Option(parsing: .unconditional, help: "Draw this return as the threshold line (default: the environment's, if it has one).")
    var threshold: Double?

    @Flag(help: "Draw no threshold line.")
    var noThreshold = false

    @Option(parsing: .unconditional, help: "Seeds the bootstrap resampling of the band.")
    var bootstrapSeed: UInt64 = 0

    @Flag(help: "Replace --out if it exists (never a file inside a run or compare directory).")
    var force = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one run or compare directory") }
        for path in paths { try CommandLineInput.checkDirectory(path, flag: "a path", mustExist: true) }
        try OutputFile.check(out, flag: "--out", force: force)
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
        if threshold != nil && noThreshold { throw ValidationError("give --threshold or --no-threshold, not both") }
    }

    func run() throws {
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
        let line = noThreshold ? nil : threshold ?? set.environment.flatMap(DefaultThreshold.threshold(for:))
        let chart: LearningCurveChart
        do {
            chart = try LearningCurveChart(curves: set.curves, environment: set.environment, threshold: line, bootstrapSeed: bootstrapSeed)
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
}
