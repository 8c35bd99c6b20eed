import Environments
import Foundation
import Learners
import Randomness
import XCTest
@testable import Training

/// A short SAC run on Pendulum-v1, through the real store: its evaluation return must clearly beat
/// the uniformly random policy's.
final class ShortSACRunTests: XCTestCase {
    func testSACImprovesClearlyOverARandomPolicy() throws {
        let directory = try TemporaryDirectory("short-sac")
        defer { directory.remove() }
        // Narrow networks and a larger learning rate keep this within the test budget.
        let config = SmallRuns.sac(steps: 4000, seed: 1, hidden: [32, 32], batch: 64, learningRate: 1e-3,
                                   evaluationInterval: 1000, evaluationEpisodes: 5)
        try TrainingRun.start(config, in: directory.url).run()
        let rows = try ProgressRow.read(from: directory.appending("progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [1000, 2000, 3000, 4000])

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
        let trained = rows.last!.evaluationReturnMean
        print("short SAC run: random policy \(random), evaluation returns \(rows.map(\.evaluationReturnMean))")
        XCTAssertLessThan(random, -900, "a random policy does badly")
        XCTAssertGreaterThan(trained, random + 500, "SAC improved clearly over random: \(trained) vs \(random)")
        XCTAssertGreaterThan(trained, -500)
        XCTAssertLessThan(rows.first!.evaluationReturnMean, trained, "the curve rises")
    }
}
