import Environments
import Foundation
import Learners
import Randomness
import XCTest
import RunFiles
@testable import Training
import TrainingRuns

/// A short SAC run on Pendulum-v1, through the real store: its evaluation return must clearly beat
/// the uniformly random policy's.
final class ShortSACRunTests: XCTestCase {
    func testSACImprovesClearlyOverARandomPolicy() throws {
        let directory = try TemporaryDirectory("short-sac")
        defer { directory.remove() }
        // Narrow networks and a larger learning rate keep this within the test budget.
        let config = SmallRuns.sac(steps: 5000, seed: 1, hidden: [32, 32], batch: 64, learningRate: 1e-3,
                                   evaluationInterval: 1000, evaluationEpisodes: 5)
        try TrainingRun.startSession(config, in: directory.url).run()
        let rows = try ProgressRow.read(from: directory.appending("progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [1000, 2000, 3000, 4000, 5000])

        // The random policy on the same evaluation episodes.
        var environment = EnvironmentID.pendulum.make(seed: 0)
        var generator = SeededGenerator(seed: 99)
        var randomReturns: [Double] = []
        _ = environment.reset(seed: Evaluation.environmentSeed(forRunSeed: config.seed))
        for _ in 0..<5 {
            var total = 0.0
            while true {
                let result = environment.step([generator.nextFloat(in: -2, 2)])
                total += result.reward
                if result.isEpisodeOver { break }
            }
            randomReturns.append(total)
            _ = environment.reset()
        }
        let random = EvaluationResult(returns: randomReturns).mean
        // Pendulum evaluations swing by a few hundred between neighbouring points (a start near the
        // bottom costs more), so the last two evaluations are judged together.
        let trained = rows.suffix(2).map(\.evaluationReturnMean).reduce(0, +) / 2
        print("short SAC run: random policy \(random), evaluation returns \(rows.map(\.evaluationReturnMean))")
        XCTAssertLessThan(random, -900, "a random policy does badly")
        XCTAssertGreaterThan(trained, random + 500, "SAC improved clearly over random: \(trained) vs \(random)")
        XCTAssertLessThan(rows.first!.evaluationReturnMean + 500, trained, "the curve rises")
    }
}
