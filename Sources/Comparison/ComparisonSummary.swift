import Foundation

/// The comparison table: one `AlgorithmSummary` per algorithm, written to summary.csv and shown on
/// the terminal, with the fewer-steps factor of every off-policy learner against the fastest
/// on-policy one.
public struct ComparisonSummary: Equatable, Sendable {
    /// The return that counts as solving the task; nil when none was given (`plot --summary` on a
    /// task without one), and then no row has steps to a threshold.
    public var threshold: Double?
    public var rows: [AlgorithmSummary]
    /// The on-policy algorithm the factors are against: the one with the fewest median steps to the
    /// threshold; nil when no on-policy algorithm took part.
    public var reference: String?
    /// The reference returns of the normalised scores (`finalScore`, `areaUnderCurveScore` of every
    /// row); nil when the table is in returns only. The threshold stays a return either way.
    public var normalization: ScoreNormalization?

    /// Summarises `curves` per algorithm, algorithms in `order` (then any other, in order of
    /// appearance). `isOnPolicy` says which learners are on-policy; `bootstrapSeed` seeds every
    /// interval (algorithm i uses `bootstrapSeed + i`, for its final return and its AUC alike, so both
    /// resample the same seeds), so the table is reproducible. Without a `threshold`, no seed reaches
    /// one and there are no factors. With a `normalization`, each seed's curve is also normalised
    /// (`LearningCurve.normalized(by:)`) and its final score and AUC get intervals of their own, with
    /// the same bootstrap seeds; the threshold is compared with the returns.
    public init(curves: [LearningCurve], order: [String] = [], threshold: Double?, isOnPolicy: (String) -> Bool,
                bootstrapSeed: UInt64 = 0, resamples: Int = BootstrapInterval.defaultResamples,
                normalization: ScoreNormalization? = nil) {
        self.threshold = threshold
        self.normalization = normalization
        let present = curves.filter(\.hasEvaluations)
        var algorithms = order.filter { name in present.contains { $0.algorithm == name } }
        for curve in present where !algorithms.contains(curve.algorithm) { algorithms.append(curve.algorithm) }
        rows = algorithms.enumerated().map { index, algorithm in
            let seeds = present.filter { $0.algorithm == algorithm }
            let reached = seeds.map { curve in threshold.flatMap { curve.firstStep(reaching: $0) }.map(Double.init) ?? .infinity }
            func interval(_ values: [Double]) -> BootstrapInterval {
                BootstrapInterval(values: values, resamples: resamples, seed: bootstrapSeed &+ UInt64(index))!
            }
            let areas = interval(seeds.map { $0.averageValue! })
            let scored = normalization.map { normalization in seeds.map { $0.normalized(by: normalization) } }
            return AlgorithmSummary(
                algorithm: algorithm, isOnPolicy: isOnPolicy(algorithm), seeds: seeds.count,
                seedsReached: reached.filter(\.isFinite).count,
                medianStepsToThreshold: Statistics.median(reached)!,
                finalReturn: interval(seeds.map { $0.finalValue! }),
                areaUnderCurve: areas.mean, areaUnderCurveInterval: areas,
                fewerStepsFactor: nil,
                finalScore: scored.map { interval($0.map { $0.finalValue! }) },
                areaUnderCurveScore: scored.map { interval($0.map { $0.averageValue! }) })
        }
        let onPolicy = rows.filter(\.isOnPolicy)
        guard threshold != nil, let fastest = onPolicy.min(by: { $0.medianStepsToThreshold < $1.medianStepsToThreshold }) else {
            reference = nil
            return
        }
        reference = fastest.algorithm
        // When no on-policy median reached the threshold, each on-policy median exceeds the last step
        // its runs evaluated, so the smallest of those bounds the reference from below.
        let referenceSteps: Double
        let isLowerBound = !fastest.medianStepsToThreshold.isFinite
        if isLowerBound {
            referenceSteps = onPolicy.map { row in
                Double(present.filter { $0.algorithm == row.algorithm }.map { ($0.nonFiniteFinal ?? $0.points.last!).steps }.min()!)
            }.min()!
        } else {
            referenceSteps = fastest.medianStepsToThreshold
        }
        for index in rows.indices where !rows[index].isOnPolicy && rows[index].medianStepsToThreshold.isFinite {
            rows[index].fewerStepsFactor = .init(value: referenceSteps / rows[index].medianStepsToThreshold, isLowerBound: isLowerBound)
        }
    }

    public static let csvHeader = "algo,policy,seeds,seeds_reached,threshold,median_steps_to_threshold,final_return_mean,final_return_ci_low,final_return_ci_high,auc,fewer_steps_than_on_policy,auc_ci_low,auc_ci_high"

    /// The columns summary.csv adds after `csvHeader` with a normalisation: the reference's label, then
    /// the final score's mean and interval and the AUC score's mean and interval.
    public static let scoreCSVColumns = "score_reference,final_score_mean,final_score_ci_low,final_score_ci_high,auc_score,auc_score_ci_low,auc_score_ci_high"

    /// summary.csv: a row per algorithm. `median_steps_to_threshold` is empty when the median seed
    /// did not reach the threshold; `threshold`, `seeds_reached` and `median_steps_to_threshold` are
    /// empty without a threshold; `fewer_steps_than_on_policy` is empty for on-policy rows and
    /// where it cannot be said, and starts with ">" when it is a lower bound. The AUC's interval comes
    /// last, so that readers of the earlier columns by position are unaffected; with a normalisation,
    /// `scoreCSVColumns` follow it (the returns' columns stay returns).
    public var csv: String {
        var text = Self.csvHeader + (normalization == nil ? "" : "," + Self.scoreCSVColumns) + "\n"
        for row in rows {
            let median = row.medianStepsToThreshold.isFinite ? Self.number(row.medianStepsToThreshold) : ""
            var fields = [row.algorithm, row.isOnPolicy ? "on" : "off", "\(row.seeds)",
                          threshold == nil ? "" : "\(row.seedsReached)", threshold.map(Self.number) ?? "",
                          median, "\(row.finalReturn.mean)", "\(row.finalReturn.lower)", "\(row.finalReturn.upper)",
                          "\(row.areaUnderCurve)", row.fewerStepsFactor?.text ?? "",
                          "\(row.areaUnderCurveInterval.lower)", "\(row.areaUnderCurveInterval.upper)"]
            if let normalization, let final = row.finalScore, let area = row.areaUnderCurveScore {
                fields += [Self.csvField(normalization.label), "\(final.mean)", "\(final.lower)", "\(final.upper)",
                           "\(area.mean)", "\(area.lower)", "\(area.upper)"]
            }
            text += fields.joined(separator: ",") + "\n"
        }
        return text
    }

    /// The table for the terminal, columns aligned, followed by the line that states the factors.
    /// Without a threshold, the columns about it are left out. With a normalisation, the final return
    /// and the AUC are shown as normalised scores, and a line names the reference.
    public var table: String {
        var header = ["algo", "policy", "seeds"]
        if let threshold {
            let thresholdText = Self.decimal(threshold)
            header += ["reached \(thresholdText)", "median steps to \(thresholdText)"]
        }
        header += normalization == nil ? ["final return (95% CI)", "AUC (mean return, 95% CI)"]
                                       : ["final score (95% CI)", "AUC (mean score, 95% CI)"]
        // The factor column only when there are on-policy and off-policy learners.
        let showsFactor = reference != nil && rows.contains { !$0.isOnPolicy }
        if showsFactor, let reference {
            let reached = rows.first { $0.algorithm == reference }?.medianStepsToThreshold.isFinite ?? false
            header.append("× fewer steps than " + (reached ? reference : "on-policy"))
        }
        let lines = rows.map { row -> [String] in
            var cells = [row.algorithm, row.isOnPolicy ? "on" : "off", "\(row.seeds)"]
            if threshold != nil {
                cells += ["\(row.seedsReached)/\(row.seeds)",
                          row.medianStepsToThreshold.isFinite ? Self.grouped(Int(row.medianStepsToThreshold.rounded())) : "not reached"]
            }
            cells += [Self.intervalText(row.finalScore ?? row.finalReturn), Self.intervalText(row.areaUnderCurveScore ?? row.areaUnderCurveInterval)]
            if showsFactor { cells.append(row.isOnPolicy ? "" : (row.fewerStepsFactor?.text ?? "–")) }
            return cells
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max()! }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var text = ([header] + lines).map(render).joined(separator: "\n") + "\n"
        if let statement = scoreStatement { text += "\n" + statement + "\n" }
        if let statement = factorStatement { text += "\n" + statement + "\n" }
        if let note = intervalNote { text += "\n" + note + "\n" }
        return text
    }

    /// With a normalisation, one sentence on what the scores are and what the threshold is measured in.
    public var scoreStatement: String? {
        guard let normalization else { return nil }
        return "Scores are 100·(return − random)/(expert − random), with reference: \(normalization.description)"
            + (threshold == nil ? "." : "; the threshold is a return.")
    }

    /// A footnote for learners with too few runs for a bootstrap interval to mean more than the runs
    /// themselves: with 2 or 3 runs, resampling puts over 2.5% of the means at each extreme, so the 95%
    /// interval is the range of the runs; with 1 run it is that run's value. Nil when every learner
    /// has 4 runs or more.
    public var intervalNote: String? {
        let few = Dictionary(grouping: rows.filter { $0.seeds <= 3 }, by: \.seeds)
        guard !few.isEmpty else { return nil }
        let notes = few.keys.sorted().map { count -> String in
            let names = few[count]!.map(\.algorithm).joined(separator: ", ")
            return count == 1
                ? "with 1 run (\(names)) the 95% interval is that run's value alone"
                : "with \(count) runs (\(names)) the 95% bootstrap interval is the range of the runs, [min, max]"
        }
        return "Note: " + notes.joined(separator: "; ") + "; 4 or more seeds give a bootstrap interval."
    }

    /// `text`, quoted as CSV wants when it holds a comma, a quote or a line break.
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// "-150.0 [-160.0, -140.0]".
    static func intervalText(_ interval: BootstrapInterval) -> String {
        "\(oneDecimal(interval.mean)) [\(oneDecimal(interval.lower)), \(oneDecimal(interval.upper))]"
    }

    /// One sentence on how many times fewer steps the off-policy learners need; nil without an
    /// on-policy or an off-policy learner.
    public var factorStatement: String? {
        guard let threshold, let reference, let fastest = rows.first(where: { $0.algorithm == reference }) else { return nil }
        let offPolicy = rows.filter { !$0.isOnPolicy }
        guard !offPolicy.isEmpty else { return nil }
        let thresholdText = Self.decimal(threshold)
        let referenceText = fastest.medianStepsToThreshold.isFinite
            ? "\(reference), the fastest on-policy learner (median \(Self.grouped(Int(fastest.medianStepsToThreshold.rounded()))) steps)"
            : "the on-policy learners (whose median seeds did not reach it within their runs, so each factor is a lower bound)"
        let parts = offPolicy.map { row in
            row.fewerStepsFactor.map { "\(row.algorithm) \($0.text)×" } ?? "\(row.algorithm) – (its median seed did not reach it)"
        }
        return "Median env steps to reach \(thresholdText), in times fewer than \(referenceText): " + parts.joined(separator: ", ") + "."
    }

    /// One decimal, without the sign of a value that rounds to zero ("0.0", not "-0.0").
    static func oneDecimal(_ value: Double) -> String {
        let text = String(format: "%.1f", value)
        return text == "-0.0" ? "0.0" : text
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    /// -200 rather than -200.0.
    static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%g", value)
    }

    /// 12,500.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
