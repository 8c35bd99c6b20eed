extension LearningCurve {
    /// This curve with every evaluation's return replaced by its normalised score (a value that is not
    /// finite stays so).
    public func normalized(by normalization: ScoreNormalization) -> LearningCurve {
        func scored(_ point: CurvePoint) -> CurvePoint { CurvePoint(steps: point.steps, value: normalization.score(point.value)) }
        return LearningCurve(algorithm: algorithm, seed: seed, points: points.map(scored),
                             nonFiniteFinal: nonFiniteFinal.map(scored), offline: offline, task: task)
    }
}
