import Foundation

/// The lines a run prints on standard error when it is not a terminal (a log file, a batch job, nohup):
/// one per evaluation and one per metrics.csv row, each saying where the run stands and what its
/// numbers average.
///
///     steps 2000/10000 (20%): eval return -1234.5 ± 56.7 (mean ± std of 10 episodes); training return -1400.2 (mean of the last 10 episodes); 1900 updates so far
///     steps 2000/10000 (20%): means over updates 901-1900 (1000 updates): critic_loss 1.234, actor_loss -4.567, alpha 0.2
enum RunLogLine {
    /// Where a run stands: "steps 2000/10000 (20%)", or "updates 300/1000 (30%)" offline. The progress
    /// line starts with it too.
    static func position(_ progress: Int, of total: Int, unit: String) -> String {
        String(format: "%@ %d/%d (%.0f%%)", unit, progress, total, 100 * Double(progress) / Double(max(total, 1)))
    }

    /// After an evaluation. `trainingReturn` (online runs only) is the mean return of the last
    /// `recentEpisodes` training episodes.
    static func evaluation(progress: Int, of total: Int, unit: String, result: EvaluationResult, updates: Int,
                           trainingReturn: Double?, recentEpisodes: Int) -> String {
        var line = position(progress, of: total, unit: unit)
            + String(format: ": eval return %.1f ± %.1f (mean ± std of %d episode%@)", result.mean, result.standardDeviation,
                     result.returns.count, result.returns.count == 1 ? "" : "s")
        if let trainingReturn {
            line += "; training return " + (recentEpisodes == 0 ? "– (no episode finished yet)"
                : String(format: "%.1f (mean of the last %@)", trainingReturn, episodes(recentEpisodes)))
            line += "; \(updates) update\(updates == 1 ? "" : "s") so far"
        }
        return line
    }

    /// After a metrics.csv row ending at update `updates` and covering the `updatesInRow` before it;
    /// metrics the learner did not report in those updates are left out.
    static func metrics(progress: Int, of total: Int, unit: String, updates: Int, updatesInRow: Int,
                        averages: [(name: String, value: Double?)]) -> String {
        let span = updatesInRow == 1 ? "update \(updates)" : "updates \(updates - updatesInRow + 1)-\(updates) (\(updatesInRow) updates)"
        let values = averages.compactMap { entry in entry.value.map { "\(entry.name) " + String(format: "%.4g", $0) } }
        return position(progress, of: total, unit: unit) + ": means over \(span): " + values.joined(separator: ", ")
    }

    /// "10 episodes", "episode" (the last one).
    static func episodes(_ count: Int) -> String {
        count == 1 ? "episode" : "\(count) episodes"
    }
}
