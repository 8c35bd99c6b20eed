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
