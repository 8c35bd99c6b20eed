import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// Targets stop bootstrapping at `terminated` and keep bootstrapping through `truncated`: each learner's
/// target is checked value by value against the formula, evaluated with the target networks directly.
final class BootstrappingTests: XCTestCase {
    private let low: [Float] = [-2], high: [Float] = [2]
    private let rows = 4

    private func next(_ batch: TransitionBatch, _ row: Int) -> Matrix {
        Matrix(rows: 1, columns: 3, values: Array(batch.nextObservations[(row * 3)..<(row * 3 + 3)]))
    }

    /// Row 0 is terminated (y = r exactly), row 1 truncated (bootstraps), rows 2–3 ordinary.
    private func assertTargets(_ targets: FloatBuffer, _ batch: TransitionBatch, nextValue: (Int) -> Float, _ name: String) {
        for row in 0..<rows {
            let expected = row == 0 ? batch.rewards[row] : batch.rewards[row] + 0.99 * nextValue(row)
            XCTAssertEqual(targets.base[row], expected, accuracy: 1e-5 * max(1, abs(expected)),
                           "\(name) row \(row) (terminated: \(batch.terminated[row]), truncated: \(batch.truncated[row]))")
        }
        XCTAssertEqual(targets.base[0], batch.rewards[0], "\(name): a terminated transition's target is its reward exactly")
        XCTAssertNotEqual(targets.base[1], batch.rewards[1], "\(name): a truncated transition bootstraps")
    }

    func testDDPGTargetValues() throws {
        let ddpg = try TestLearners.ddpg(low: low, high: high, hidden: [8, 8], batch: rows, seed: 1)
        let batch = TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: 2)
        ddpg.stage(batch)
        var unused = SeededGenerator(seed: 0)
        ddpg.smoothedTargets(batch, using: &unused)
        XCTAssertEqual(unused, SeededGenerator(seed: 0), "DDPG draws no target noise")
        assertTargets(ddpg.targets, batch, nextValue: { row in
            let nextAction = ddpg.actorTarget(self.next(batch, row))
            return ddpg.critics.targets[0](Matrix(rows: 1, columns: 4, values: self.next(batch, row).values + nextAction.values)).values[0]
        }, "DDPG")
    }

    /// TD3: y = r + γ(1 − d) min_k Q̄_k(s', clip(μ̄(s') + clip(σε, −c, c), −1, 1)), ε from the update's stream.
    func testTD3TargetValues() throws {
        let td3 = try TestLearners.td3(low: low, high: high, hidden: [8, 8], batch: rows, seed: 3)
        let batch = TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: 4)
        td3.stage(batch)
        var generator = SeededGenerator(seed: 5)
        var replay = generator
        td3.smoothedTargets(batch, using: &generator)
        var noise = [Float](repeating: 0, count: rows)
        noise.withUnsafeMutableBufferPointer { replay.fillGaussian($0) }
        assertTargets(td3.targets, batch, nextValue: { row in
            let mean = td3.actorTarget(self.next(batch, row)).values[0]
            let smoothed = min(max(mean + min(max(0.2 * noise[row], -0.5), 0.5), -1), 1)
            let input = Matrix(rows: 1, columns: 4, values: self.next(batch, row).values + [smoothed])
            return min(td3.critics.targets[0](input).values[0], td3.critics.targets[1](input).values[0])
        }, "TD3")
    }

    /// SAC: y = r + γ(1 − d)(min_k Q̄_k(s', ã') − α log π(ã'|s')), ã' = tanh(μ + σε), ε from the update's stream.
    func testSACTargetValues() throws {
        let sac = try TestLearners.sac(low: low, high: high, hidden: [8, 8], batch: rows, seed: 6)
        let batch = TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: 7)
        sac.stage(batch)
        var generator = SeededGenerator(seed: 8)
        var replay = generator
        sac.softBellmanTargets(batch, alpha: 0.5, using: &generator)
        var noise = [Float](repeating: 0, count: rows)
        noise.withUnsafeMutableBufferPointer { replay.fillGaussian($0) }
        assertTargets(sac.targets, batch, nextValue: { row in
            let raw = sac.actor(self.next(batch, row)).values  // [μ | log σ]
            let logStd = min(max(raw[1], -20), 2)
            let u = Double(raw[0]) + exp(Double(logStd)) * Double(noise[row])
            let action = Float(tanh(u))
            let gaussian = -0.5 * Double(noise[row] * noise[row]) - Double(logStd) - 0.5 * log(2 * Double.pi)
            let logProbability = Float(gaussian - log(1 - tanh(u) * tanh(u) + 1e-6))  // SB3's form (issue 15)
            let input = Matrix(rows: 1, columns: 4, values: self.next(batch, row).values + [action])
            let q = min(sac.critics.targets[0](input).values[0], sac.critics.targets[1](input).values[0])
            return q - 0.5 * logProbability
        }, "SAC")
    }
}
