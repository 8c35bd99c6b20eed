import XCTest
import NeuralNetwork
import Randomness
@testable import Learners

/// Targets stop bootstrapping at `terminated` and keep bootstrapping through `truncated`.
final class BootstrappingTests: XCTestCase {
    private let low: [Float] = [-2], high: [Float] = [2]

    func testDDPGTargetValues() throws {
        var generator = SeededGenerator(seed: 1)
        var config = DDPGConfig(); config.hiddenSizes = [8, 8]
        let ddpg = try DDPG(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        let batch = TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 2)
        ddpg.stage(batch)
        ddpg.computeTargets(batch)
        for row in 0..<4 {
            let next = Matrix(rows: 1, columns: 3, values: Array(batch.nextObservations[(row * 3)..<(row * 3 + 3)]))
            let nextAction = ddpg.actorTarget(next)
            let value = ddpg.criticTarget(Matrix(rows: 1, columns: 4, values: next.values + nextAction.values)).values[0]
            let expected = row == 0 ? batch.rewards[row] : batch.rewards[row] + 0.99 * value
            XCTAssertEqual(ddpg.targets.base[row], expected, accuracy: 1e-5, "row \(row) (terminated: \(batch.terminated[row]), truncated: \(batch.truncated[row]))")
        }
        XCTAssertEqual(ddpg.targets.base[0], batch.rewards[0], "a terminated transition's target is its reward exactly")
    }

    func testSACAndTD3StopOnlyAtTermination() throws {
        var generator = SeededGenerator(seed: 3)
        var sacConfig = SACConfig(); sacConfig.hiddenSizes = [8, 8]
        var td3Config = TD3Config(); td3Config.hiddenSizes = [8, 8]
        let sac = try SAC(observationSize: 3, actionLow: low, actionHigh: high, config: sacConfig, generator: &generator)
        let td3 = try TD3(observationSize: 3, actionLow: low, actionHigh: high, config: td3Config, generator: &generator)
        let batch = TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 4)
        sac.stage(batch)
        sac.computeTargets(batch, alpha: 0.5, using: &generator)
        td3.stage(batch)
        td3.computeTargets(batch, using: &generator)
        for targets in [sac.targets, td3.targets] {
            XCTAssertEqual(targets.base[0], batch.rewards[0], "terminated: no bootstrap")
            XCTAssertNotEqual(targets.base[1], batch.rewards[1], "truncated: bootstraps")
            XCTAssertNotEqual(targets.base[2], batch.rewards[2])
        }
    }
}
