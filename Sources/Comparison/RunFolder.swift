import Foundation
import RunFiles

/// Reads what `compare` and `plot` need from a training run's directory: its algorithm, seed,
/// environment and evaluations (`config.json` and `progress.csv`, written by `offpolicy train`).
public struct RunFolder: Sendable {
    public let url: URL

    public init(_ url: URL) { self.url = url }

    /// The few fields of `config.json` read here (decoded leniently, so a learner this build does
    /// not register still plots).
    public struct Description: Decodable, Equatable, Sendable {
        public var environment: String
        public var steps: Int
        public var seed: UInt64
        public var algorithm: String
        /// The training mode ("online" or "offline"); "online" when config.json has none (older runs).
        public var mode: String

        /// Whether the run trained offline: its length, evaluations and curve count updates.
        public var isOffline: Bool { mode == "offline" }

        private struct Learner: Decodable { var algorithm: String }
        private enum CodingKeys: String, CodingKey { case environment, steps, seed, learner, mode }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            environment = try container.decode(String.self, forKey: .environment)
            steps = try container.decode(Int.self, forKey: .steps)
            seed = try container.decode(UInt64.self, forKey: .seed)
            algorithm = try container.decode(Learner.self, forKey: .learner).algorithm
            mode = (try? container.decodeIfPresent(String.self, forKey: .mode)) ?? "online"
        }
    }

    var configFile: URL { RunDirectory(url).config }
    var progressFile: URL { RunDirectory(url).progress }

    /// Whether the folder holds a run's config.json and progress.csv.
    public var holdsRun: Bool {
        FileManager.default.fileExists(atPath: configFile.path) && FileManager.default.fileExists(atPath: progressFile.path)
    }

    public func description() throws -> Description {
        let data: Data
        do {
            guard let contents = try SmallFile.contents(of: configFile, limit: 1 << 24) else {
                throw ComparisonError.unreadable(configFile.path, "it does not exist")
            }
            data = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw ComparisonError.unreadable(path, reason)
        }
        do {
            return try JSONDecoder().decode(Description.self, from: data)
        } catch {
            throw ComparisonError.unreadable(configFile.path, FileProblem.reason(error))
        }
    }

    /// The rows of progress.csv; nil when there is no such file. A last line without its newline
    /// (the trainer is writing it) is left out; any other line that is not a progress row is an error.
    public func progressRows() throws -> [ProgressRow]? {
        let text: String
        do {
            guard let contents = try SmallFile.text(of: progressFile) else { return nil }
            text = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw ComparisonError.unreadable(path, reason)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() } else if !lines.isEmpty { lines.removeLast() }  // unfinished line
        guard let header = lines.first else { return [] }
        guard header == ProgressRow.header else {
            throw ComparisonError.unreadable(progressFile.path, "the header is not '\(ProgressRow.header)'")
        }
        return try lines.dropFirst().enumerated().map { index, line in
            guard let row = ProgressRow(csvLine: line) else {
                throw ComparisonError.unreadable(progressFile.path, "line \(index + 2) is not a progress row")
            }
            return row
        }
    }

    /// The run's learning curve: one point per evaluation with a finite mean return, and the last
    /// evaluation as `nonFiniteFinal` when its return is not finite. An offline run's points are at
    /// its update counts (its environment steps stay 0).
    public func curve() throws -> LearningCurve {
        let description = try description()
        let rows = try progressRows() ?? []
        var points: [CurvePoint] = []
        var last: CurvePoint?
        for row in rows {
            let steps = description.isOffline ? row.updates : row.environmentSteps
            if let last, steps <= last.steps { continue }  // keep steps increasing
            let point = CurvePoint(steps: steps, value: row.evaluationReturnMean)
            last = point
            if point.value.isFinite { points.append(point) }
        }
        return LearningCurve(algorithm: description.algorithm, seed: description.seed, points: points,
                             nonFiniteFinal: last.flatMap { $0.value.isFinite ? nil : $0 }, offline: description.isOffline)
    }
}
