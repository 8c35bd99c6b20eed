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
        XCTAssertEqual(lines[0], "env_steps,updates,updates_in_row,critic_loss,actor_loss,alpha,alpha_loss,log_probability,q_policy")
        XCTAssertEqual(lines.count, 4, "rows after 100, 200 and 300 updates")
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.map { $0[0] }, [200, 300, 400], "env_steps of each row")
        XCTAssertEqual(rows.map { $0[1] }, [100, 200, 300], "updates of each row")
        XCTAssertEqual(rows.map { $0[2] }, [100, 100, 100], "updates each row averages")
        for row in rows {
            XCTAssertTrue(row.allSatisfy(\.isFinite), "\(row)")
            XCTAssertGreaterThan(row[3], 0, "a critic loss is positive")
            XCTAssertTrue((0...1).contains(row[5]), "α starts at 1 and falls: \(row[5])")
        }
        XCTAssertGreaterThan(rows[0][5], rows[2][5], "α falls as the temperature is learned")
    }

    /// The progress line says what its numbers average: the last episodes, the updates since the last metrics row.
    func testTheProgressLineShowsCriticLossAndAlpha() {
        let line = TerminalProgress.line(steps: 500, totalSteps: 1000, rate: 250, recentReturn: -800, recentEpisodes: 10, lastEvaluation: -750,
                                         criticLoss: 12.5, alpha: 0.42, averagedUpdates: 340)
        XCTAssertEqual(line, "steps 500/1000 (50%)  250 steps/s  recent return -800.0 (last 10 episodes)  eval -750.0  critic loss 12.5, α 0.42 (means of the last 340 updates)  ETA 2s")
        let onPolicy = TerminalProgress.line(steps: 512, totalSteps: 1024, rate: 0, recentReturn: -900, recentEpisodes: 1, lastEvaluation: nil,
                                             criticLoss: 0.5, alpha: nil, lossName: "value loss", averagedUpdates: 1)
        XCTAssertEqual(onPolicy, "steps 512/1024 (50%)  0 steps/s  recent return -900.0 (last episode)  value loss 0.5 (mean of the last update)")
        let early = TerminalProgress.line(steps: 50, totalSteps: 1000, rate: 0, recentReturn: .nan, recentEpisodes: 0, lastEvaluation: nil,
                                          criticLoss: nil, alpha: nil, averagedUpdates: 0)
        XCTAssertEqual(early, "steps 50/1000 (5%)  0 steps/s  recent return –")
    }

    /// On a narrow terminal the line is cut rather than wrapped (a wrapped line could not be redrawn in place).
    func testTheProgressLineIsCutToTheTerminalWidth() {
        XCTAssertEqual(TerminalProgress.fitted("steps 500/1000 (50%)  250 steps/s", columns: 12), "steps 500/…")
        XCTAssertEqual(TerminalProgress.fitted("steps 5/10", columns: 80), "steps 5/10")
        XCTAssertEqual(TerminalProgress.fitted("steps 5/10", columns: nil), "steps 5/10")
    }

    /// An offline run counts updates and has no training episodes, so no recent return.
    func testTheProgressLineOfAnOfflineRunCountsUpdates() {
        let line = TerminalProgress.line(steps: 500, totalSteps: 1000, rate: 250, recentReturn: .nan, lastEvaluation: -750,
                                         criticLoss: 0.5, alpha: nil, unit: "updates")
        XCTAssertEqual(line, "updates 500/1000 (50%)  250 updates/s  eval -750.0  critic loss 0.5  ETA 2s")
    }
}
