import Foundation

/// The lines an online run writes to a standard error that is not a terminal, rebuilt from its
/// finished progress.csv and metrics.csv: one per metrics row and one per evaluation, in the order
/// the run wrote them (by environment step; at one step the metrics row, closed first, comes first).
enum ExpectedLogLines {
    static func lines(in run: URL, totalSteps: Int, evaluationEpisodes: Int) throws -> [String] {
        func rows(_ name: String) throws -> (header: [String], rows: [[String]]) {
            let lines = try String(contentsOf: run.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
            let split = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            return (split[0], Array(split.dropFirst()))
        }
        func position(_ steps: Int) -> String {
            String(format: "steps %d/%d (%.0f%%): ", steps, totalSteps, 100 * Double(steps) / Double(totalSteps))
        }
        var lines: [(steps: Int, order: Int, text: String)] = []
        let metrics = try rows("metrics.csv")
        for row in metrics.rows {
            let (steps, updates, inRow) = (Int(row[0])!, Int(row[1])!, Int(row[2])!)
            let values = zip(metrics.header.dropFirst(3), row.dropFirst(3)).compactMap { name, value in
                value.isEmpty ? nil : "\(name) " + String(format: "%.4g", Double(value)!)
            }
            let span = inRow == 1 ? "update \(updates)" : "updates \(updates - inRow + 1)-\(updates) (\(inRow) updates)"
            lines.append((steps, 0, position(steps) + "means over \(span): " + values.joined(separator: ", ")))
        }
        for row in try rows("progress.csv").rows {
            // env_steps, episodes, updates, train_return, eval_return_mean, eval_return_std, steps_per_s
            let (steps, episodes, updates) = (Int(row[0])!, Int(row[1])!, Int(row[2])!)
            let recent = min(episodes, 10)
            let training = recent == 0 ? "– (no episode finished yet)"
                : String(format: "%.1f (mean of the last %@)", Double(row[3])!, recent == 1 ? "episode" : "\(recent) episodes")
            let text = position(steps) + String(format: "eval return %.1f ± %.1f (mean ± std of %d episode%@)", Double(row[4])!, Double(row[5])!, evaluationEpisodes,
                                                  evaluationEpisodes == 1 ? "" : "s")
                + "; training return \(training); \(updates) updates so far"
            lines.append((steps, 1, text))
        }
        return lines.sorted { ($0.steps, $0.order) < ($1.steps, $1.order) }.map(\.text)
    }
}
