extension LearningCurveChart {
    /// The chart of learning curves: a mean line and band per algorithm (in `order`, then any other
    /// in order of appearance), titled with the environment when it is known. With a `normalization`,
    /// every curve is normalised before the means and bands are computed, the vertical axis is the
    /// normalised score, and the threshold (a return) is drawn at its score.
    public init(curves: [LearningCurve], order: [String] = [], environment: String?, threshold: Double?,
                bootstrapSeed: UInt64 = 0, normalization: ScoreNormalization? = nil) throws {
        let curves = normalization.map { normalization in curves.map { $0.normalized(by: normalization) } } ?? curves
        var algorithms = order.filter { name in curves.contains { $0.algorithm == name && !$0.points.isEmpty } }
        for curve in curves where !curve.points.isEmpty && !algorithms.contains(curve.algorithm) { algorithms.append(curve.algorithm) }
        guard !algorithms.isEmpty else {
            if curves.contains(where: \.hasEvaluations) {
                throw ComparisonError.noEvaluations("every evaluation of the runs returned a value that is not finite (nan or inf)")
            }
            throw ComparisonError.noEvaluations("no run has an evaluation yet")
        }
        let means = try algorithms.map { algorithm in
            guard let mean = MeanCurve(algorithm: algorithm, curves: curves.filter { $0.algorithm == algorithm },
                                       bootstrapSeed: bootstrapSeed) else {
                throw ComparisonError.noEvaluations("the \(algorithm) runs share no range of evaluated steps")
            }
            return mean
        }
        let what = normalization == nil ? "mean evaluation return, 95% bootstrap band" : "mean normalised score, 95% bootstrap band"
        var yLabel = "evaluation return (mean over seeds)"
        var line = threshold, legend: String?
        if let normalization {
            yLabel = "normalised score (\(normalization.label))"
            if let threshold {
                line = normalization.score(threshold)
                legend = Self.minusSigns("threshold \(ComparisonSummary.oneDecimal(normalization.score(threshold))) (return \(ComparisonSummary.decimal(threshold)))")
            }
        }
        self.init(curves: means, threshold: line, title: environment.map { "\($0): \(what)" } ?? what,
                  xLabel: LearningCurve.axisLabel(of: curves.filter { !$0.points.isEmpty }), yLabel: yLabel, thresholdLegend: legend)
    }
}

extension LearningCurveChart {
    /// rliable's sample-efficiency figure: each algorithm's IQM of normalised scores over all runs and
    /// tasks at every evaluation point, with its 95% stratified-bootstrap band.
    public init(iqmCurves comparison: AggregateComparison, xLabel: String = "environment steps") {
        let curves = comparison.iqmCurves.map { curve in
            MeanCurve(algorithm: curve.algorithm, seeds: comparison.scores[curve.algorithm]?.pooled.count ?? 0, steps: curve.steps,
                      mean: curve.values.map(\.estimate), lower: curve.values.map(\.lower), upper: curve.values.map(\.upper))
        }
        self.init(curves: curves, threshold: nil,
                  title: "IQM over \(comparison.tasks.count) task\(comparison.tasks.count == 1 ? "" : "s"), 95% stratified-bootstrap band",
                  xLabel: xLabel, yLabel: "IQM of normalised scores")
        countNouns = ("run", "runs")
        bandLegend = "95% CI of the IQM"
    }

    /// rliable's performance-profile figure: for each algorithm the share of runs (over all tasks)
    /// whose final normalised score is above τ, with its 95% stratified-bootstrap band. The profiles
    /// share one τ grid, evenly spaced.
    public init(profiles comparison: AggregateComparison) {
        let curves = comparison.profiles.map { profile in
            MeanCurve(algorithm: profile.algorithm, seeds: comparison.scores[profile.algorithm]?.pooled.count ?? 0,
                      steps: Array(profile.thresholds.indices), mean: profile.fractions.map(\.estimate),
                      lower: profile.fractions.map(\.lower), upper: profile.fractions.map(\.upper))
        }
        self.init(curves: curves, threshold: nil, title: "Performance profiles, 95% stratified-bootstrap band",
                  xLabel: "normalised score τ", yLabel: "fraction of runs with score > τ")
        countNouns = ("run", "runs")
        bandLegend = "95% CI of the fraction"
        if let thresholds = comparison.profiles.first?.thresholds, thresholds.count > 1 {
            xOrigin = thresholds[0]
            xUnit = (thresholds[thresholds.count - 1] - thresholds[0]) / Double(thresholds.count - 1)
        }
    }
}
