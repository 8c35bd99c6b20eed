import Foundation

/// One row of `progress.csv`, written after every evaluation.
///
/// Every column except `steps_per_s` is a pure function of the config: two runs with the same
/// seed write identical values. `steps_per_s` is wall-clock throughput since the previous row
/// and is the only timing column (determinism checks leave it out).
public struct ProgressRow: Equatable, Sendable {
    public var environmentSteps: Int
    public var episodes: Int
    public var updates: Int
    /// Mean return of the last (up to) 10 finished training episodes; NaN before the first one ends.
    public var trainReturn: Double
    public var evaluationReturnMean: Double
    public var evaluationReturnStd: Double
    public var stepsPerSecond: Double

    public static let header = "env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std,steps_per_s"
    /// Columns that depend on wall-clock time.
    public static let timingColumns: Set<String> = ["steps_per_s"]

    public var csvLine: String {
        "\(environmentSteps),\(episodes),\(updates),\(Self.format(trainReturn)),\(Self.format(evaluationReturnMean)),\(Self.format(evaluationReturnStd)),\(String(format: "%.1f", stepsPerSecond))"
    }

    /// `stepsPerSecond` as `csvLine` writes it, to one decimal.
    public var recordedStepsPerSecond: Double { Double(String(format: "%.1f", stepsPerSecond)) ?? stepsPerSecond }

    /// Shortest round-tripping decimal form, `nan` for NaN.
    static func format(_ value: Double) -> String { value.isNaN ? "nan" : "\(value)" }

    public init(environmentSteps: Int, episodes: Int, updates: Int, trainReturn: Double,
                evaluationReturnMean: Double, evaluationReturnStd: Double, stepsPerSecond: Double) {
        self.environmentSteps = environmentSteps
        self.episodes = episodes
        self.updates = updates
        self.trainReturn = trainReturn
        self.evaluationReturnMean = evaluationReturnMean
        self.evaluationReturnStd = evaluationReturnStd
        self.stepsPerSecond = stepsPerSecond
    }

    /// Parses a line written by `csvLine`.
    public init?(csvLine: String) {
        let fields = csvLine.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, let steps = Int(fields[0]), let episodes = Int(fields[1]), let updates = Int(fields[2]),
              let train = Double(fields[3]), let mean = Double(fields[4]), let std = Double(fields[5]),
              let rate = Double(fields[6]) else { return nil }
        self.init(environmentSteps: steps, episodes: episodes, updates: updates, trainReturn: train,
                  evaluationReturnMean: mean, evaluationReturnStd: std, stepsPerSecond: rate)
    }

    /// Reads every row of a progress file.
    public static func read(from file: URL) throws -> [ProgressRow] {
        guard let text = try SmallFile.text(of: file) else { throw RunFileError.unreadable(file.path, "it does not exist") }
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.first == header else { throw RunFileError.unreadable(file.path, "the header is not '\(header)'") }
        lines.removeFirst()
        return try lines.enumerated().map { index, line in
            guard let row = ProgressRow(csvLine: line) else { throw RunFileError.unreadable(file.path, "line \(index + 2) is not a progress row") }
            return row
        }
    }
}
