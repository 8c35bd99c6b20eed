import Foundation
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

final class ActingTests: XCTestCase {
    /// SAC's behaviour log-density is that of the environment-unit action: recomputed here from the
    /// action itself (u = atanh of the [−1, 1] action) in Double.
    func testSACLogProbabilityInEnvironmentUnits() throws {
        var generator = SeededGenerator(seed: 1)
        var config = SACConfig(); config.common.hiddenSizes = [8]
        let sac = try SAC(observationSize: 2, actionLow: [-2, 10], actionHigh: [2, 11], config: config, generator: &generator)
        let observation: [Float] = [0.4, -0.3]
        let raw = sac.actor(Matrix(rows: 1, columns: 2, values: observation)).values
        for _ in 0..<20 {
            let chosen = sac.act(on: observation, deterministic: false, using: &generator)
            XCTAssertTrue(chosen.action[0] >= -2 && chosen.action[0] <= 2 && chosen.action[1] >= 10 && chosen.action[1] <= 11)
            var expected = 0.0
            for j in 0..<2 {
                let (low, high) = j == 0 ? (-2.0, 2.0) : (10.0, 11.0)
                let scale = (high - low) / 2
                let a = (Double(chosen.action[j]) - low) / scale - 1
                let u = atanh(a)
                let mean = Double(raw[j]), logStd = min(max(Double(raw[2 + j]), -20), 2)
                expected += -0.5 * pow((u - mean) / exp(logStd), 2) - logStd - 0.5 * log(2 * Double.pi)
                expected += -log(1 - a * a + 1e-6) - log(scale)  // SB3's form (issue 15)
            }
            XCTAssertEqual(Double(chosen.logProbability), expected, accuracy: 2e-3)
        }
        let first = sac.act(on: observation, deterministic: true, using: &generator)
        let second = sac.act(on: observation, deterministic: true, using: &generator)
        XCTAssertEqual(first.action, second.action)
        XCTAssertTrue(first.logProbability.isNaN)
    }

    /// TD3 explores with N(0, 0.1²) in [−1, 1] units: the density includes the action-scale Jacobian.
    func testTD3ExplorationDensity() throws {
        var generator = SeededGenerator(seed: 2)
        var config = TD3Config(); config.common.hiddenSizes = [8]
        let td3 = try TD3(observationSize: 2, actionLow: [-2], actionHigh: [2], config: config, generator: &generator)
        let observation: [Float] = [0.4, -0.3]
        let mean = td3.act(on: observation, deterministic: true, using: &generator).action[0] / 2
        var seen = 0
        for _ in 0..<50 {
            let chosen = td3.act(on: observation, deterministic: false, using: &generator)
            let a = chosen.action[0] / 2
            guard abs(a) < 1 else { XCTAssertTrue(chosen.logProbability.isNaN); continue }
            let z = Double(a - mean) / 0.1
            let expected = -0.5 * z * z - log(0.1) - 0.5 * log(2 * Double.pi) - log(2.0)
            XCTAssertEqual(Double(chosen.logProbability), expected, accuracy: 1e-3)
            seen += 1
        }
        XCTAssertGreaterThan(seen, 0)
    }

    func testBadBoundsAreRejected() {
        var generator = SeededGenerator(seed: 3)
        XCTAssertThrowsError(try SAC(observationSize: 3, actionLow: [-1], actionHigh: [.infinity], generator: &generator))
        XCTAssertThrowsError(try TD3(observationSize: 3, actionLow: [1], actionHigh: [-1], generator: &generator))
        XCTAssertThrowsError(try DDPGConfig().makeLearner(observationSize: 0, actionLow: [-1], actionHigh: [1], generator: &generator))
    }
}
