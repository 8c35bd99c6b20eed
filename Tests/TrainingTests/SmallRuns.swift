import Environments
import Foundation
import Learners
import RunFiles
import Training
import TrainingRuns

/// Configurations small enough for the test suite: the real SAC and the real store, narrow networks.
enum SmallRuns {
    static func sac(steps: Int, seed: UInt64, hidden: [Int] = [32, 32], batch: Int = 64, learningRate: Double = 3e-4,
                    evaluationInterval: Int = 200, evaluationEpisodes: Int = 2, checkpointInterval: Int? = nil,
                    learningStarts: Int = 100, gradientStepsPerStep: Int = 1, metricsInterval: Int = 50) -> TrainingConfig {
        var learner = LearnerConfiguration.defaults(for: "sac")!
        learner.common.hiddenSizes = hidden
        learner.common.batchSize = batch
        learner.common.learningRate = learningRate
        return TrainingConfig(environment: "Pendulum-v1", steps: steps, seed: seed, learner: learner,
                              evaluationInterval: evaluationInterval, evaluationEpisodes: evaluationEpisodes,
                              checkpointInterval: checkpointInterval, learningStarts: learningStarts,
                              gradientStepsPerStep: gradientStepsPerStep, metricsInterval: metricsInterval)
    }

    /// progress.csv without its timing column, one string per line.
    static func progressWithoutTiming(in directory: URL) throws -> [String] {
        let lines = try String(contentsOf: directory.appendingPathComponent("progress.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        let kept = header.indices.filter { !ProgressRow.timingColumns.contains(header[$0]) }
        return lines.map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return kept.map { fields[$0] }.joined(separator: ",")
        }
    }
}
