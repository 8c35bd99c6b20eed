import Environments
import Foundation
import Learners
import RunFiles
import Transitions

extension RunRecorder {
    /// What both loops do after update number `update`: a non-finite metric or parameter stops the run
    /// (`TrainingError.diverged`, before anything of it is saved); otherwise the metrics join `accumulator`,
    /// and once they cover `config.metricsInterval` updates their averages become a metrics.csv row
    /// (`rows` counts them).
    func takeUpdate(_ metrics: UpdateMetrics, of learner: any Learner, update: Int, environmentSteps: Int,
                    accumulator: inout MetricsAccumulator, rows: inout Int) throws {
        if metrics.values.contains(where: { !$0.isFinite }) {
            let name = (learner.metricNames + metrics.keys.sorted()).first { metrics[$0].map { !$0.isFinite } ?? false }!
            throw TrainingError.diverged(update: update, reason: "\(name) = \(metrics[name]!)")
        }
        guard learner.parametersAreFinite else {
            throw TrainingError.diverged(update: update, reason: "a parameter is no longer finite")
        }
        accumulator.add(metrics)
        if update - lastRowUpdates >= config.metricsInterval {
            try closeMetricsRow(update: update, environmentSteps: environmentSteps, accumulator: &accumulator, rows: &rows)
        }
    }

    /// Writes the averages of the updates since the last metrics.csv row as a row (when there are any):
    /// every `metricsInterval` updates, and at every scheduled checkpoint and the end of the run, so no
    /// update goes unrecorded. (A checkpoint written on a stop request writes none: its state carries the
    /// sums, and the resumed run writes the rows an uninterrupted one does.)
    func closeMetricsRow(update: Int, environmentSteps: Int, accumulator: inout MetricsAccumulator, rows: inout Int) throws {
        guard update > lastRowUpdates else { return }
        try recordMetrics(environmentSteps: environmentSteps, updates: update, averages: accumulator.takeAverages(of: metricNames))
        rows += 1
    }

    /// What both loops do at an evaluation: `episodes` deterministic episodes of `learner` on `environment`
    /// (initial states from the run's evaluation seed), then the progress row, which it returns.
    /// `trainReturn` is the mean return of the last `recentEpisodes` training episodes.
    func evaluate(_ learner: any Learner, on environment: any Environment, environmentSteps: Int,
                  episodes: Int, updates: Int, trainReturn: Double, recentEpisodes: Int, stepsPerSecond: Double) throws -> ProgressRow {
        let evaluation = try Evaluation.run(learner, on: environment, episodes: config.evaluationEpisodes,
                                            seed: Evaluation.environmentSeed(forRunSeed: config.seed))
        let row = ProgressRow(
            environmentSteps: environmentSteps, episodes: episodes, updates: updates, trainReturn: trainReturn,
            evaluationReturnMean: evaluation.mean, evaluationReturnStd: evaluation.standardDeviation, stepsPerSecond: stepsPerSecond)
        try record(row)
        terminal.log(RunLogLine.evaluation(progress: config.mode.progress(environmentSteps: environmentSteps, updates: updates), of: config.steps, unit: config.mode.unit,
                                           result: evaluation, updates: updates, trainingReturn: config.mode == .online ? trainReturn : nil,
                                           recentEpisodes: recentEpisodes))
        return row
    }
}
