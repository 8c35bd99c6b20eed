import Foundation
import XCTest
import Learners
import RunFiles
@testable import Training
import TrainingRuns

/// metrics.csv: the learner's update metrics, averaged over the updates between rows.
final class MetricsFileTests: XCTestCase {
    func testMetricsAreAveragedEveryIntervalUpdates() throws {
        let directory = try TemporaryDirectory("metrics")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 400, seed: 2, metricsInterval: 100)
        let loop = try TrainingRun.startSession(config, in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.updates, 300)
        let lines = try String(contentsOf: directory.appending("metrics.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "env_steps,updates,critic_loss,actor_loss,alpha,alpha_loss,log_probability,q_policy")
        XCTAssertEqual(lines.count, 4, "rows after 100, 200 and 300 updates")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.map { $0[0] }, [200, 300, 400], "env_steps of each row")
        XCTAssertEqual(rows.map { $0[1] }, [100, 200, 300], "updates of each row")
        for row in rows {
            XCTAssertTrue(row.allSatisfy(\.isFinite), "\(row)")
            XCTAssertGreaterThan(row[2], 0, "a critic loss is positive")
            XCTAssertTrue((0...1).contains(row[4]), "α starts at 1 and falls: \(row[4])")
        }
        XCTAssertGreaterThan(rows[0][4], rows[2][4], "α falls as the temperature is learned")
    }

    func testTheProgressLineShowsCriticLossAndAlpha() {
        let line = TerminalProgress.line(steps: 500, totalSteps: 1000, rate: 250, recentReturn: -800, lastEvaluation: -750,
                                         criticLoss: 12.5, alpha: 0.42)
        XCTAssertEqual(line, "steps 500/1000 (50%)  250 steps/s  recent return -800.0  eval -750.0  critic loss 12.5  α 0.42  ETA 2s")
    }

    /// An offline run counts updates and has no training episodes, so no recent return.
    func testTheProgressLineOfAnOfflineRunCountsUpdates() {
        let line = TerminalProgress.line(steps: 500, totalSteps: 1000, rate: 250, recentReturn: .nan, lastEvaluation: -750,
                                         criticLoss: 0.5, alpha: nil, unit: "updates")
        XCTAssertEqual(line, "updates 500/1000 (50%)  250 updates/s  eval -750.0  critic loss 0.5  ETA 2s")
    }
}
