import Foundation
import Learners
import TestSupport
import XCTest
import RunFiles
@testable import Training
import TrainingRuns

/// More than one gradient step per environment step (SB3's `gradient_steps`).
final class GradientStepsTests: XCTestCase {
    func testEachStepAfterWarmUpTakesTheConfiguredGradientSteps() throws {
        let directory = try TemporaryDirectory("gradient-steps")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 300, seed: 6, evaluationInterval: 150, learningStarts: 100, gradientStepsPerStep: 3)
        let loop = try TrainingRun.startSession(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.updates, (300 - 100) * 3)
        XCTAssertEqual(try ProgressRow.read(from: directory.appending("progress.csv")).map(\.updates), [150, 600])
    }

    /// SAC with an n-step Retrace target through the CLI: the loop samples runs of 3 from the store.
    func testNStepRetraceRunsThroughTheLoop() throws {
        let directory = try TemporaryDirectory("n-step")
        defer { directory.remove() }
        let run = directory.appending("run").path
        let result = try OffpolicyExecutable.run(["train", "sac", "--steps", "400", "--hidden", "16,16", "--batch", "32",
                                                  "--n-step", "3", "--correction", "retrace", "--eval-every", "200",
                                                  "--eval-episodes", "1", "--log-every", "100", "--run-dir", run])
        XCTAssertEqual(result.status, 0, result.standardError)
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        let sac = try XCTUnwrap(config.learner.config as? SACConfig)
        XCTAssertEqual(sac.nStep, 3)
        XCTAssertEqual(sac.correction, .retrace(lambda: 1))
        let metrics = try String(contentsOfFile: run + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.count, 1 + 3, "rows after 100, 200, 300 updates")
        let refused = try OffpolicyExecutable.run(["train", "td3", "--steps", "10", "--n-step", "3", "--run-dir", directory.appending("x").path])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.standardError.contains("--n-step applies to sac, not to td3"), refused.standardError)
    }
}
