import Foundation

/// What a run's progress.csv says so far, for its status line.
public struct RunProgress: Equatable, Sendable {
    /// Steps of the last evaluation row (0 before the first).
    public var steps: Int
    /// The last evaluation's mean return.
    public var lastEvaluation: Double?
    /// When this process first saw a row with `steps` (for the ETA).
    public var seenAt: Date?

    public static let none = RunProgress(steps: 0, lastEvaluation: nil, seenAt: nil)

    /// The progress of the run in `folder`; `.none` when it has no readable row yet.
    static func read(_ folder: URL) -> RunProgress {
        guard let rows = try? RunFolder(folder).progressRows(), let last = rows.last else { return .none }
        return RunProgress(steps: last.environmentSteps, lastEvaluation: last.evaluationReturnMean, seenAt: nil)
    }
}
