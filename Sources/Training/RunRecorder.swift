import Foundation
import NeuralNetwork
import RunFiles

/// Writes what a run reports: a row of `progress.csv` after every evaluation, a row of `metrics.csv`
/// (the learner's update metrics, averaged) every `metricsInterval` updates, and the terminal's progress line.
final class RunRecorder {
    let metricNames: [String]
    private let progress: FileHandle
    private let metrics: FileHandle
    let terminal: TerminalProgress

    /// The header of `metrics.csv` for a learner reporting `metricNames`.
    static func metricsHeader(_ metricNames: [String]) -> String {
        (["env_steps", "updates"] + metricNames).joined(separator: ",")
    }

    /// Starts both files of a new run (headers only).
    static func create(in directory: RunDirectory, metricNames: [String]) throws {
        try Data((ProgressRow.header + "\n").utf8).write(to: directory.progress)
        try Data((metricsHeader(metricNames) + "\n").utf8).write(to: directory.metrics)
    }

    /// Opens both files for appending, first dropping rows written after the checkpoint being resumed
    /// from (`progressRows` and `metricsRows` are the counts that checkpoint saw).
    init(directory: RunDirectory, metricNames: [String], terminal: TerminalProgress,
         keepingProgressRows progressRows: Int? = nil, metricsRows: Int? = nil) throws {
        self.metricNames = metricNames
        self.terminal = terminal
        if let progressRows { try Self.truncate(directory.progress, header: ProgressRow.header, toRows: progressRows) }
        if let metricsRows { try Self.truncate(directory.metrics, header: Self.metricsHeader(metricNames), toRows: metricsRows) }
        progress = try FileHandle(forWritingTo: directory.progress)
        metrics = try FileHandle(forWritingTo: directory.metrics)
        try progress.seekToEnd()
        try metrics.seekToEnd()
    }

    deinit {
        try? progress.close()
        try? metrics.close()
    }

    func record(_ row: ProgressRow) throws {
        try progress.write(contentsOf: Data((row.csvLine + "\n").utf8))
        try progress.synchronize()
    }

    /// One `metrics.csv` row: env_steps, updates, then each metric's average (empty when not reported).
    func recordMetrics(environmentSteps: Int, updates: Int, averages: [Double?]) throws {
        let fields = ["\(environmentSteps)", "\(updates)"] + averages.map { $0.map { "\($0)" } ?? "" }
        try metrics.write(contentsOf: Data((fields.joined(separator: ",") + "\n").utf8))
    }

    /// Makes the metrics rows durable (at checkpoints; progress rows are synchronised as written).
    func synchronize() throws {
        try metrics.synchronize()
    }

    /// Keeps the header and the first `rows` rows of `file` (creating it with the header if missing).
    private static func truncate(_ file: URL, header: String, toRows rows: Int) throws {
        guard FileManager.default.fileExists(atPath: file.path) else {
            guard rows == 0 else { throw TrainingError.corruptFile(file.path, "is missing; the checkpoint expects \(rows) rows") }
            try Data((header + "\n").utf8).write(to: file)
            return
        }
        let lines = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        guard lines.first == header else { throw TrainingError.corruptFile(file.path, "the header is not '\(header)'") }
        guard lines.count - 1 >= rows else {
            throw TrainingError.corruptFile(file.path, "holds \(lines.count - 1) rows, the checkpoint expects \(rows)")
        }
        try AtomicFile.write(Data((lines.prefix(rows + 1).joined(separator: "\n") + "\n").utf8), to: file)
    }
}
