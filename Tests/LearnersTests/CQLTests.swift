import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// CQL's conservative term by hand and by finite differences, its samples and its Lagrange form.
final class CQLTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]

    private func cql(edit: (inout CQLConfig) -> Void = { _ in }) throws -> CQL {
        var config = TestLearners.config(CQLConfig.self, hidden: [6, 5], batch: 4, activation: .tanh)
        config.actionSamples = 3
        edit(&config)
        var generator = SeededGenerator(seed: 1)
        return try CQL(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    /// One state, two samples: Q = (1, 2) with log-densities (0, log 2), Q at the logged action ½:
    /// gap = log(e¹ + e²/2) − ½, ∂gap/∂Q_j = softmax = (e, e²/2)/(e + e²/2).
    func testGapOnATinyHandCase() {
        var q: [Float] = [1, 2], logp: [Float] = [0, Float(log(2.0))], data: [Float] = [0.5]
        var gradient: [Float] = [0, 0]
        let gap = ConservativeGap.evaluate(sampledValues: &q, logDensities: &logp, dataValues: &data, rows: 1, samples: 2,
                                           sampledGradient: &gradient)
        let e = M_E, total = e + e * e / 2
        XCTAssertEqual(gap, log(total) - 0.5, accuracy: 1e-6)
        XCTAssertEqual(gap, 1.3583, accuracy: 1e-4)
        XCTAssertEqual(Double(gradient[0]), e / total, accuracy: 1e-6)
        XCTAssertEqual(Double(gradient[1]), e * e / 2 / total, accuracy: 1e-6)
        // Two rows: the mean, each row's softmax halved.
        var q2: [Float] = [1, 2, 0, 0], logp2: [Float] = [0, Float(log(2.0)), 0, 0], data2: [Float] = [0.5, 0]
        var gradient2 = [Float](repeating: 0, count: 4)
        let mean = ConservativeGap.evaluate(sampledValues: &q2, logDensities: &logp2, dataValues: &data2, rows: 2, samples: 2,
                                            sampledGradient: &gradient2)
        XCTAssertEqual(mean, (log(total) - 0.5 + log(2)) / 2, accuracy: 1e-6)
        XCTAssertEqual(gradient2[2], 0.25, accuracy: 1e-7)
    }

    /// ∂gap/∂Q at the sampled actions; the data values enter with −1/B (checked by hand above).
    func testGapGradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 2)
        let rows = 3, samples = 5
        let q = FloatBuffer((0..<(rows * samples)).map { _ in Float(generator.nextGaussian()) * 2 })
        let logp = FloatBuffer((0..<(rows * samples)).map { _ in Float(generator.nextGaussian()) })
        let data = FloatBuffer([0.3, -1, 2])
        let gradient = FloatBuffer(count: rows * samples), scratch = FloatBuffer(count: rows * samples)
        ConservativeGap.evaluate(sampledValues: q.base, logDensities: logp.base, dataValues: data.base, rows: rows, samples: samples,
                                 sampledGradient: gradient.base)
        let numerical = FiniteDifference.gradient(of: q.base, count: rows * samples, step: 1e-2) {
            ConservativeGap.evaluate(sampledValues: q.base, logDensities: logp.base, dataValues: data.base, rows: rows, samples: samples,
                                     sampledGradient: scratch.base)
        }
        FiniteDifference.assertMatch(analytic: gradient.values, numerical: numerical, "conservative gap")
    }

    /// The samples: per state 3 from the policy at s, 3 at s', 3 uniform; every row observes s; uniform actions
    /// lie in [−1, 1] with log-density 2 log ½; the policy's carry log π of the squashed Gaussian.
    func testSampledActionsAndTheirDensities() throws {
        let learner = try cql()
        let batch = TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 3)
        learner.stage(batch)
        var generator = SeededGenerator(seed: 4)
        learner.sampleActions(batch, using: &generator)
        let width = 5, perState = 9
        for b in 0..<4 {
            for j in 0..<perState {
                let row = b * perState + j
                XCTAssertEqual(Array(UnsafeBufferPointer(start: learner.sampleInputs.base + row * width, count: 3)),
                               Array(batch.observations[(b * 3)..<(b * 3 + 3)]), "row \(row) observes s_\(b)")
                let action = Array(UnsafeBufferPointer(start: learner.sampleInputs.base + row * width + 3, count: 2))
                XCTAssertTrue(action.allSatisfy { abs($0) <= 1 }, "row \(row): \(action)")
                let logDensity = learner.sampleLogDensities.base[row]
                if j >= 6 {
                    XCTAssertEqual(logDensity, 2 * log(0.5), "uniform row \(row)")
                } else {
                    // The head's density of that action at s (j < 3) or s' (3 ≤ j < 6).
                    let states = j < 3 ? batch.observations : batch.nextObservations
                    let raw = Array(states[(b * 3)..<(b * 3 + 3)]).withUnsafeBufferPointer {
                        Array(UnsafeBufferPointer(start: learner.sac.actor.forward($0.baseAddress!, rows: 1), count: 4))
                    }
                    var expected: [Float] = [0]
                    learner.sac.head.logProbabilities(raw: raw, actions: action, rows: 1, into: &expected)
                    XCTAssertEqual(logDensity, expected[0], accuracy: 1e-3, "policy row \(row)")
                }
            }
        }
    }

    /// The critic loss mean (Q_k(s, a) − y)² + c · gap_k w.r.t. critic k, through Q_k at the sampled actions
    /// (held fixed) and at the logged ones.
    func testConservativeCriticLossGradientMatchesFiniteDifferences() throws {
        let learner = try cql()
        let batch = TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 5)
        learner.stage(batch)
        learner.deterministicTargets(batch)
        var generator = SeededGenerator(seed: 6)
        learner.sampleActions(batch, using: &generator)
        let scale: Float = 5
        for k in 0..<2 {
            let critic = learner.sac.critics.critics[k]
            func loss() -> Double {
                critic.zeroGradients()
                let gap = learner.conservativeGapAndGradient(k, rows: 4)
                return learner.finishCriticGradient(k, rows: 4, conservativeScale: scale) + Double(scale) * gap
            }
            _ = loss()
            let analytic = critic.gradients.values
            let numerical = FiniteDifference.gradient(of: critic.parameters.base, count: critic.parameterCount, step: 3e-2) { loss() }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "CQL critic \(k + 1)")
        }
    }

    /// d3rlpy's default target: min_k Q̄_k(s', tanh μ(s')), no entropy term.
    func testDeterministicTargetUsesTheMeanActionAtTheNextState() throws {
        let learner = try cql()
        let batch = TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 7)
        learner.stage(batch)
        learner.deterministicTargets(batch)
        for b in 0..<4 {
            let next = Array(batch.nextObservations[(b * 3)..<(b * 3 + 3)])
            let raw = learner.sac.actor(Matrix(rows: 1, columns: 3, values: next)).values
            let input = Matrix(rows: 1, columns: 5, values: next + [tanh(raw[0]), tanh(raw[1])])
            let value = min(learner.sac.critics.targets[0](input).values[0], learner.sac.critics.targets[1](input).values[0])
            let expected = batch.rewards[b] + (batch.terminated[b] ? 0 : 0.99 * value)
            XCTAssertEqual(learner.sac.targets.base[b], expected, accuracy: 1e-5, "row \(b)")
        }
    }

    /// Lagrange form: with the gap above the threshold the multiplier's first Adam step raises log α' by the
    /// learning rate (1e-4); without the form it stays 1 and is not reported.
    func testLagrangeMultiplierRisesWhileTheGapExceedsTheThreshold() throws {
        let learner = try cql { $0.lagrangeThreshold = -1000 }
        var generator = SeededGenerator(seed: 8)
        let metrics = learner.update(on: TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 9), using: &generator)
        XCTAssertEqual(learner.multiplier, exp(Float(1e-4)), accuracy: 1e-7)
        XCTAssertEqual(metrics["cql_multiplier"]!, Double(exp(Float(1e-4))), accuracy: 1e-7)
        XCTAssertLessThan(metrics["cql_multiplier_loss"]!, 0)
        let below = try cql { $0.lagrangeThreshold = 1000 }
        _ = below.update(on: TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 9), using: &generator)
        XCTAssertEqual(below.multiplier, exp(Float(-1e-4)), accuracy: 1e-7)
        let fixed = try cql()
        let plain = fixed.update(on: TestData.batch(rows: 4, observationSize: 3, low: low, high: high, seed: 9), using: &generator)
        XCTAssertEqual(fixed.multiplier, 1)
        XCTAssertNil(plain["cql_multiplier"])
        XCTAssertEqual(Set(plain.keys), Set(fixed.metricNames))
    }

    /// The rates d3rlpy gives each optimiser, and the defaults the documentation cites.
    func testDefaultsAndLearningRates() throws {
        let config = CQLConfig()
        XCTAssertEqual(config.conservativeWeight, 5)
        XCTAssertEqual(config.actionSamples, 10)
        XCTAssertEqual(config.actorLearningRate, 1e-4)
        XCTAssertEqual(config.common.learningRate, 3e-4)
        XCTAssertEqual(config.temperatureLearningRate, 1e-4)
        XCTAssertNil(config.lagrangeThreshold)
        XCTAssertFalse(config.softBackup)
        let learner = try cql()
        XCTAssertEqual(learner.sac.actorOptimizer.learningRate, 1e-4)
        XCTAssertEqual(learner.sac.alphaOptimizer?.learningRate, 1e-4)
        XCTAssertEqual(learner.sac.critics.optimizers.map(\.learningRate), [3e-4, 3e-4])
        let applied = try XCTUnwrap(CQLConfig().applying(arguments: ["--conservative-weight", "2", "--action-samples", "4",
                                                                      "--lagrange-threshold", "8", "--actor-lr", "3e-5", "--soft-backup"]) as? CQLConfig)
        XCTAssertEqual(applied.conservativeWeight, 2)
        XCTAssertEqual(applied.actionSamples, 4)
        XCTAssertEqual(applied.lagrangeThreshold, 8)
        XCTAssertEqual(applied.actorLearningRate, 3e-5)
        XCTAssertTrue(applied.softBackup)
    }
}
