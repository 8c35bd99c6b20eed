import Foundation
import XCTest
import RunFiles
@testable import Training
import TrainingRuns

/// The same seed gives the same run: progress.csv (all but its timing column) and the policy's bytes.
final class DeterminismTests: XCTestCase {
    func testSameSeedGivesIdenticalRuns() throws {
        let directory = try TemporaryDirectory("determinism")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 500, seed: 11)
        for name in ["a", "b"] {
            let loop = try TrainingRun.startSession(config, in: directory.appending(name))
            XCTAssertEqual(try loop.run(), .finished)
        }
        let a = try SmallRuns.progressWithoutTiming(in: directory.appending("a"))
        let b = try SmallRuns.progressWithoutTiming(in: directory.appending("b"))
        XCTAssertEqual(a.count, 4, "header and rows at 200, 400 and the final 500")
        XCTAssertEqual(a, b)
        XCTAssertEqual(a[0], "env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std")
        let policyA = try Data(contentsOf: directory.appending("a/policy.safetensors"))
        let policyB = try Data(contentsOf: directory.appending("b/policy.safetensors"))
        XCTAssertEqual(policyA, policyB)

        // A different seed gives a different run (the comparison above can fail).
        let other = try TrainingRun.startSession(SmallRuns.sac(steps: 500, seed: 12), in: directory.appending("c"))
        try other.run()
        XCTAssertNotEqual(try SmallRuns.progressWithoutTiming(in: directory.appending("c")), a)
    }
}
