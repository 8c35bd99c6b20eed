import Environments
import Foundation
import Learners
import RunFiles
import Transitions

extension RunRecorder {
    /// What both loops do after update number `update`: a non-finite metric or parameter stops the run
    /// (`TrainingError.diverged`, before anything of it is saved); otherwise the metrics join `accumulator`,
    /// and every `interval` updates their averages become a metrics.csv row (`rows` counts them).
    func takeUpdate(_ metrics: UpdateMetrics, of learner: any Learner, update: Int, environmentSteps: Int, interval: Int,
                    accumulator: inout MetricsAccumulator, rows: inout Int) throws {
        if metrics.values.contains(where: { !$0.isFinite }) {
            let name = (learner.metricNames + metrics.keys.sorted()).first { metrics[$0].map { !$0.isFinite } ?? false }!
            throw TrainingError.diverged(update: update, reason: "\(name) = \(metrics[name]!)")
        }
        guard learner.parametersAreFinite else {
            throw TrainingError.diverged(update: update, reason: "a parameter is no longer finite")
        }
        accumulator.add(metrics)
        if update % interval == 0 {
            try recordMetrics(environmentSteps: environmentSteps, updates: update, averages: accumulator.takeAverages(of: learner.metricNames))
            rows += 1
        }
    }

    /// What both loops do at an evaluation: `episodes` deterministic episodes of `learner` on `environment`
    /// (initial states from the run's evaluation seed), then the progress row, which it returns.
    func evaluate(_ learner: any Learner, on environment: any Environment, config: TrainingConfig, environmentSteps: Int,
                  episodes: Int, updates: Int, trainReturn: Double, stepsPerSecond: Double) throws -> ProgressRow {
        let evaluation = try Evaluation.run(learner, on: environment, episodes: config.evaluationEpisodes,
                                            seed: Evaluation.environmentSeed(forRunSeed: config.seed))
        let row = ProgressRow(
            environmentSteps: environmentSteps, episodes: episodes, updates: updates, trainReturn: trainReturn,
            evaluationReturnMean: evaluation.mean, evaluationReturnStd: evaluation.standardDeviation, stepsPerSecond: stepsPerSecond)
        try record(row)
        return row
    }
}
