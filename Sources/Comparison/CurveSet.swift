import Foundation

/// The learning curves `plot` draws, gathered from run directories and compare directories.
public struct CurveSet: Sendable {
    /// The environment of the runs, when every run names the same one (nil from curves.csv alone).
    public var environment: String?
    public var curves: [LearningCurve]

    public init(environment: String?, curves: [LearningCurve]) {
        self.environment = environment
        self.curves = curves
    }

    /// The algorithms in order of first appearance.
    public var algorithms: [String] {
        var seen: [String] = []
        for curve in curves where !seen.contains(curve.algorithm) { seen.append(curve.algorithm) }
        return seen
    }

    /// Reads every path: a run directory (config.json and progress.csv), or a compare directory
    /// (each run folder under `runs/` that holds a run, or else its `curves.csv`).
    public static func load(_ paths: [URL]) throws -> CurveSet {
        var curves: [LearningCurve] = []
        var environments: Set<String> = []
        var sawCurvesFileOnly = false
        for path in paths {
            let run = RunFolder(path)
            if run.holdsRun {
                environments.insert(try run.description().environment)
                curves.append(try run.curve())
                continue
            }
            let runs = path.appendingPathComponent("runs")
            let folders = ((try? FileManager.default.contentsOfDirectory(at: runs, includingPropertiesForKeys: nil)) ?? [])
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
                .map(RunFolder.init).filter(\.holdsRun)
            let file = path.appendingPathComponent(ComparisonFiles.curves)
            if !folders.isEmpty {
                // In the order of curves.csv, when compare wrote one (so colours match its chart), else by name.
                let order = ((try? CurvesFile.read(from: file)) ?? []).map(\.algorithm)
                var found: [LearningCurve] = []
                for folder in folders {
                    environments.insert(try folder.description().environment)
                    found.append(try folder.curve())
                }
                let rank = { (name: String) in order.firstIndex(of: name) ?? order.count }
                curves += found.enumerated().sorted { left, right in
                    (rank(left.element.algorithm), left.offset) < (rank(right.element.algorithm), right.offset)
                }.map(\.element)
                continue
            }
            if FileManager.default.fileExists(atPath: file.path) {
                curves += try CurvesFile.read(from: file)
                sawCurvesFileOnly = true
                continue
            }
            throw ComparisonError.notARunOrComparison(path.path)
        }
        let environment = environments.count == 1 && !sawCurvesFileOnly ? environments.first : nil
        return CurveSet(environment: environment, curves: curves)
    }
}
