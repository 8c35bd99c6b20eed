import Foundation
import XCTest
import Learners
import ReplayStore
@testable import Training
import TrainingRuns

/// β annealing, and a prioritized run interrupted and resumed: the same β (a function of the step count)
/// and the same priorities (the store's), so the same run as without the stop, bit for bit.
final class PrioritizedResumeTests: XCTestCase {
    func testBetaIsAnnealedLinearlyAndHeldAtItsFinalValue() {
        let replay = PrioritizedReplay(alpha: 0.6, beta: 0.4, betaFinal: 1, epsilon: 1e-6)
        // β = 0.4 + (1 − 0.4) · done / total, worked by hand.
        XCTAssertEqual(replay.beta(after: 0, of: 1_000), 0.4, accuracy: 1e-15)
        XCTAssertEqual(replay.beta(after: 250, of: 1_000), 0.55, accuracy: 1e-15)
        XCTAssertEqual(replay.beta(after: 500, of: 1_000), 0.7, accuracy: 1e-15)
        XCTAssertEqual(replay.beta(after: 999, of: 1_000), 0.9994, accuracy: 1e-15)
        XCTAssertEqual(replay.beta(after: 1_000, of: 1_000), 1, accuracy: 1e-15)
        XCTAssertEqual(replay.beta(after: 1_500, of: 1_000), 1, accuracy: 1e-15, "held at the final value past the run's end")
        XCTAssertEqual(replay.beta(after: 3, of: 0), 1, "a run of no steps is at its final value")
        // Annealing downwards too, and what the sampler is given.
        let down = PrioritizedReplay(alpha: 0.7, beta: 0.9, betaFinal: 0.5, epsilon: 0.01)
        XCTAssertEqual(down.beta(after: 30, of: 120), 0.8, accuracy: 1e-15)
        let settings = down.settings(after: 30, of: 120)
        XCTAssertEqual(settings.beta, 0.8, accuracy: 1e-15)
        XCTAssertEqual(settings.alpha, 0.7)
        XCTAssertEqual(settings.epsilon, 0.01)
    }

    func testInterruptedAndResumedPrioritizedRunMatchesTheUninterruptedOne() throws {
        try assertResumedRunMatches(SmallRuns.sac(steps: 600, seed: 6), stopAt: 333, updatedAtLeast: 400)
    }

    /// With n-step targets the loop draws runs of three by their first transitions' priorities and writes
    /// the new priorities to those first transitions: resumed, the same run bit for bit.
    func testPrioritizedNStepRunResumesBitForBit() throws {
        var config = SmallRuns.sac(steps: 500, seed: 8, batch: 32)
        var sac = try XCTUnwrap(config.learner.config as? SACConfig)
        sac.nStep = 3
        sac.correction = .retrace(lambda: 1)
        config.learner = LearnerConfiguration(sac)
        try assertResumedRunMatches(config, stopAt: 271, updatedAtLeast: 250)
    }

    private func assertResumedRunMatches(_ base: TrainingConfig, stopAt stop: Int, updatedAtLeast updated: Int) throws {
        var config = base
        let directory = try TemporaryDirectory("prioritized-resume")
        defer { directory.remove() }
        config.prioritizedReplay = PrioritizedReplay(alpha: 0.6, beta: 0.4, betaFinal: 1, epsilon: 1e-6)
        try TrainingRun.startSession(config, in: directory.appending("whole")).run()

        // Stop between evaluations and checkpoints: the stop writes its own checkpoint, and the
        // resumed process rebuilds its tree from the store's priorities.
        let first = try TrainingRun.startSession(config, in: directory.appending("split"))
        XCTAssertEqual(try first.run(shouldStop: { first.environmentSteps >= stop }), .interrupted(steps: stop))
        let resumed = try TrainingRun.resumeSession(in: directory.appending("split"))
        XCTAssertEqual(resumed.environmentSteps, stop)
        XCTAssertEqual(try resumed.run(), .finished)

        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: directory.appending("split")),
                       try SmallRuns.progressWithoutTiming(in: directory.appending("whole")))
        XCTAssertEqual(try String(contentsOf: directory.appending("split/metrics.csv"), encoding: .utf8),
                       try String(contentsOf: directory.appending("whole/metrics.csv"), encoding: .utf8))
        XCTAssertEqual(try Data(contentsOf: directory.appending("split/policy.safetensors")),
                       try Data(contentsOf: directory.appending("whole/policy.safetensors")))
        // The priorities the two runs leave: every live transition's, equal bit for bit, and many were updated.
        func priorities(_ run: String) throws -> [UInt64: Float] {
            let store = try ReplayStore.open(at: directory.appending("\(run)/replay").path, options: StoreOptions(access: .readOnly))
            return try XCTUnwrap(store.storedPriorities()).mapValues(\.priority)
        }
        let whole = try priorities("whole"), split = try priorities("split")
        XCTAssertEqual(whole.count, config.steps)
        XCTAssertEqual(split.mapValues(\.bitPattern), whole.mapValues(\.bitPattern))
        XCTAssertGreaterThan(whole.values.filter { $0 != 1 }.count, updated, "updates wrote most transitions' priorities")
    }
}
