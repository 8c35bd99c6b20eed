import Foundation

/// What a run's progress.csv says so far, for its status line.
public struct RunProgress: Equatable, Sendable {
    /// Steps of the last evaluation row (0 before the first); updates for an offline run.
    public var steps: Int
    /// The last evaluation's mean return.
    public var lastEvaluation: Double?
    /// When this process first saw a row with `steps` (for the ETA).
    public var seenAt: Date?
    /// Whether the run trains offline, so that `steps` counts updates.
    public var offline = false

    /// What `steps` counts: "steps" or "updates".
    public var unit: String { offline ? "updates" : "steps" }

    public static let none = RunProgress(steps: 0, lastEvaluation: nil, seenAt: nil)

    /// The progress of the run in `folder`; `.none` when it has no readable row yet. An offline run
    /// (config.json's mode) is measured in updates.
    static func read(_ folder: URL) -> RunProgress {
        let run = RunFolder(folder)
        guard let rows = try? run.progressRows(), let last = rows.last else { return .none }
        let offline = (try? run.description())?.isOffline ?? false
        return RunProgress(steps: offline ? last.updates : last.environmentSteps, lastEvaluation: last.evaluationReturnMean, seenAt: nil,
                           offline: offline)
    }
}
