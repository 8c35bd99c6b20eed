import Randomness
import XCTest
@testable import Learners
import Transitions

/// The learners' side of prioritized replay: the importance-weighted critic loss and the new priorities.
final class PrioritizedUpdateTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 1]

    /// With every weight 1 the weighted update is the plain one, bit for bit (SAC, TD3, DDPG, TD3+BC).
    func testUnitWeightsGiveThePlainUpdate() throws {
        let batch = TestData.batch(rows: 16, observationSize: 3, low: low, high: high, seed: 2)
        for name in ["sac", "td3", "ddpg", "td3bc"] {
            let plain = try TestLearners.learner(name, low: low, high: high, batch: 16, seed: 7)
            let weighted = try XCTUnwrap(TestLearners.learner(name, low: low, high: high, batch: 16, seed: 7) as? any PrioritizedLearner, name)
            var plainNoise = SeededGenerator(seed: 1), weightedNoise = SeededGenerator(seed: 1)
            for step in 0..<4 {
                let expected = plain.update(on: batch, using: &plainNoise)
                let (metrics, priorities) = weighted.update(on: batch, importanceWeights: [Float](repeating: 1, count: 16), using: &weightedNoise)
                XCTAssertEqual(metrics, expected, "\(name) step \(step)")
                XCTAssertEqual(priorities.count, 16)
                XCTAssertTrue(priorities.allSatisfy { $0.isFinite && $0 >= 0 }, name)
            }
            var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
            let observation: [Float] = [0.3, -0.2, 0.9]
            XCTAssertEqual(plain.act(on: observation, deterministic: true, using: &a).action,
                           weighted.act(on: observation, deterministic: true, using: &b).action, "\(name): same parameters")
        }
    }

    /// DDPG has one critic, so its critic loss mean_b w_b δ_b² and its priorities |δ_b| determine each other:
    /// critic_loss = mean_b w_b p_b², for unit and for uneven weights.
    func testSingleCriticLossIsTheWeightedMeanOfSquaredPriorities() throws {
        let batch = TestData.batch(rows: 12, observationSize: 3, low: low, high: high, seed: 5)
        let learner = try XCTUnwrap(TestLearners.ddpg(low: low, high: high, batch: 12, seed: 9) as any Learner as? any PrioritizedLearner)
        var noise = SeededGenerator(seed: 4)
        let weightSets: [[Float]] = [[Float](repeating: 1, count: 12), (0..<12).map { 0.1 + Float($0) * 0.075 }]
        for weights in weightSets {
            let (metrics, priorities) = learner.update(on: batch, importanceWeights: weights, using: &noise)
            let expected = zip(weights, priorities).reduce(0.0) { $0 + Double($1.0) * Double($1.1) * Double($1.1) } / 12
            XCTAssertEqual(try XCTUnwrap(metrics["critic_loss"]), expected, accuracy: 1e-5 * expected)
        }
    }

    /// Twin critics: the priority is the mean of the two |δ|, so ½ (|δ₁|² + |δ₂|²) ≥ p² ≥ 0 row by row, and with
    /// unit weights TD3's critic loss (Σ_k mean_b δ_kb²) is at least 2 mean_b p_b².
    func testTwinCriticPrioritiesAreTheMeanAbsoluteError() throws {
        let batch = TestData.batch(rows: 12, observationSize: 3, low: low, high: high, seed: 6)
        let learner = try TestLearners.td3(low: low, high: high, batch: 12, seed: 10)
        var noise = SeededGenerator(seed: 4)
        let (metrics, priorities) = learner.update(on: batch, importanceWeights: [Float](repeating: 1, count: 12), using: &noise)
        let bound = 2 * priorities.reduce(0.0) { $0 + Double($1) * Double($1) } / 12
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(metrics["critic_loss"]) * (1 + 1e-6), bound)
        for i in 0..<12 {
            let first = learner.critics.absoluteErrors[0].base[i], second = learner.critics.absoluteErrors[1].base[i]
            XCTAssertEqual(priorities[i], (first + second) / 2, "row \(i)")
        }
    }

    /// SAC with n-step targets learns from runs: one weight and one new priority per run, for Q(s₀, a₀) of the run
    /// against its n-step target. Unit weights give the plain n-step update bit for bit; with uneven weights the
    /// critic loss is ½ Σ_k mean_b w_b δ_kb² over the runs, and each priority the mean of the two |δ_kb|.
    func testNStepRunsTakeOneWeightAndGiveOnePriorityEach() throws {
        let runs = 8, length = 3
        let batch = TestData.batch(rows: runs * length, observationSize: 3, low: low, high: high, seed: 12)
        let edit: (inout SACConfig) -> Void = { $0.nStep = length }
        let plain = try TestLearners.sac(low: low, high: high, batch: runs, seed: 13, edit: edit)
        let weighted = try TestLearners.sac(low: low, high: high, batch: runs, seed: 13, edit: edit)
        var plainNoise = SeededGenerator(seed: 2), weightedNoise = SeededGenerator(seed: 2)
        for step in 0..<3 {
            let expected = plain.update(on: batch, using: &plainNoise)
            let (metrics, priorities) = weighted.update(on: batch, importanceWeights: [Float](repeating: 1, count: runs), using: &weightedNoise)
            XCTAssertEqual(metrics, expected, "step \(step)")
            XCTAssertEqual(priorities.count, runs)
        }
        let weights = (0..<runs).map { 0.2 + Float($0) * 0.1 }
        let (metrics, priorities) = weighted.update(on: batch, importanceWeights: weights, using: &weightedNoise)
        let errors = (0..<2).map { k in (0..<runs).map { Double(weighted.critics.absoluteErrors[k].base[$0]) } }
        let expectedLoss = (0..<2).reduce(0.0) { sum, k in
            sum + 0.5 * (0..<runs).reduce(0.0) { $0 + Double(weights[$1]) * errors[k][$1] * errors[k][$1] } / Double(runs)
        }
        XCTAssertEqual(try XCTUnwrap(metrics["critic_loss"]), expectedLoss, accuracy: 1e-5 * expectedLoss)
        for run in 0..<runs {
            XCTAssertEqual(Double(priorities[run]), (errors[0][run] + errors[1][run]) / 2, accuracy: 1e-6, "run \(run)")
        }
        XCTAssertGreaterThan(Set(priorities).count, runs / 2, "the runs' errors differ")
        let unweighted = plain.update(on: batch, using: &plainNoise)
        XCTAssertNotEqual(unweighted["critic_loss"], metrics["critic_loss"], "the weights change the loss")
    }
}
