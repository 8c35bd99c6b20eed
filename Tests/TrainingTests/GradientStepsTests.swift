import Foundation
import XCTest
@testable import Training

/// More than one gradient step per environment step (SB3's `gradient_steps`).
final class GradientStepsTests: XCTestCase {
    func testEachStepAfterWarmUpTakesTheConfiguredGradientSteps() throws {
        let directory = try TemporaryDirectory("gradient-steps")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 300, seed: 6, evaluationInterval: 150, learningStarts: 100, gradientStepsPerStep: 3)
        let loop = try TrainingRun.start(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.updates, (300 - 100) * 3)
        XCTAssertEqual(try ProgressRow.read(from: directory.appending("progress.csv")).map(\.updates), [150, 600])
    }
}
