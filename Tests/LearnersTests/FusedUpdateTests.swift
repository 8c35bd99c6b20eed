import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// The fast `update` (fused passes, shared workspaces) against the plain `referenceUpdate`, written step
/// by step in the paper's order: from the same state, batches and noise, ten updates of each must leave
/// every parameter, target and optimiser moment bit for bit equal (the fast versions claim exactness:
/// they reorder independent work and fuse passes without changing any arithmetic).
final class FusedUpdateTests: XCTestCase {
    private let low: [Float] = [-2, 0.5], high: [Float] = [2, 1.5]

    /// Every tensor of the learner's checkpoint, by name, as bit patterns.
    private func state(_ items: [CheckpointItem]) -> [String: [UInt32]] {
        var result: [String: [UInt32]] = [:]
        for item in items {
            switch item {
            case .network(let network, let regions, let prefix):
                for tensor in ParameterRegion.tensors(regions, of: network.parameters, namePrefix: prefix) {
                    result[tensor.name] = tensor.values.map(\.bitPattern)
                }
            case .optimizer(let optimizer, let name):
                result[name + ".exp_avg"] = optimizer.firstMoment.values.map(\.bitPattern)
                result[name + ".exp_avg_sq"] = optimizer.secondMoment.values.map(\.bitPattern)
                result[name + ".steps"] = [UInt32(optimizer.stepCount)]
            case .vector(let buffer, let name):
                result[name] = buffer.values.map(\.bitPattern)
            }
        }
        return result
    }

    /// `fastThreads`: the threads the fast update's products and critics may use (`BLAS.useThreads`); the
    /// reference always runs on one.
    private func compare(_ name: String, fast: any Learner, reference: any Learner, items: (any Learner) -> [CheckpointItem],
                         rows: Int = 16, fastThreads: Int = 1,
                         referenceUpdate: (TransitionBatch, inout SeededGenerator) -> UpdateMetrics) {
        defer { BLAS.useThreads(1) }
        var fastNoise = SeededGenerator(seed: 21), referenceNoise = SeededGenerator(seed: 21)
        XCTAssertEqual(state(items(fast)), state(items(reference)), "\(name): the two learners must start equal")
        for update in 0..<10 {
            let batch = TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: UInt64(100 + update))
            BLAS.useThreads(fastThreads)
            let fastMetrics = fast.update(on: batch, using: &fastNoise)
            BLAS.useThreads(1)
            let referenceMetrics = referenceUpdate(batch, &referenceNoise)
            XCTAssertEqual(fastMetrics.mapValues(\.bitPattern), referenceMetrics.mapValues(\.bitPattern), "\(name): metrics of update \(update + 1)")
        }
        XCTAssertEqual(fastNoise, referenceNoise, "\(name): both drew the same noise")
        let fastState = state(items(fast)), referenceState = state(items(reference))
        XCTAssertEqual(fastState.keys.sorted(), referenceState.keys.sorted())
        for key in fastState.keys.sorted() {
            XCTAssertEqual(fastState[key], referenceState[key], "\(name): \(key) differs after 10 updates")
        }
    }

    func testSACFastUpdateEqualsTheReference() throws {
        let variants: [(String, (inout SACConfig) -> Void)] = [
            ("SAC", { _ in }),
            ("SAC, target update interval 3", { $0.targetUpdateInterval = 3 }),
            ("SAC, fixed α", { $0.entropyCoefficient = .fixed(0.2) }),
        ]
        for (name, edit) in variants {
            let fast = try TestLearners.sac(low: low, high: high, hidden: [24, 16], batch: 16, seed: 4, edit: edit)
            let reference = try TestLearners.sac(low: low, high: high, hidden: [24, 16], batch: 16, seed: 4, edit: edit)
            compare(name, fast: fast, reference: reference, items: { ($0 as! SAC).checkpointItems },
                    referenceUpdate: { reference.referenceUpdate(on: $0, using: &$1) })
        }
    }

    func testTD3AndDDPGFastUpdateEqualsTheReference() throws {
        let pairs: [(String, TD3, TD3)] = [
            ("TD3", try TestLearners.td3(low: low, high: high, hidden: [24, 16], batch: 16, seed: 5),
             try TestLearners.td3(low: low, high: high, hidden: [24, 16], batch: 16, seed: 5)),
            ("TD3, policy delay 3", try TestLearners.td3(low: low, high: high, hidden: [24, 16], batch: 16, seed: 5) { $0.policyDelay = 3 },
             try TestLearners.td3(low: low, high: high, hidden: [24, 16], batch: 16, seed: 5) { $0.policyDelay = 3 }),
            ("DDPG", try TestLearners.ddpg(low: low, high: high, hidden: [24, 16], batch: 16, seed: 6),
             try TestLearners.ddpg(low: low, high: high, hidden: [24, 16], batch: 16, seed: 6)),
            ("TD3+BC", try TestLearners.td3bc(low: low, high: high, seed: 7), try TestLearners.td3bc(low: low, high: high, seed: 7)),
        ]
        for (name, fast, reference) in pairs {
            compare(name, fast: fast, reference: reference, items: { ($0 as! TD3).checkpointItems },
                    referenceUpdate: { reference.referenceUpdate(on: $0, using: &$1) })
        }
    }

    /// On two threads the fast updates run the critics' work at once (the fast learners are made while
    /// products may use two threads, so their critics have scratches of their own) and cut the 64 × 128 × 128
    /// products (where the packed kernel runs): still bit for bit the reference on one thread.
    func testFastUpdatesOnTwoThreadsEqualTheReferenceOnOne() throws {
        defer { BLAS.useThreads(1) }
        BLAS.useThreads(2)
        let fastSAC = try TestLearners.sac(low: low, high: high, hidden: [128, 128], batch: 64, seed: 8)
        let fastTD3 = try TestLearners.td3(low: low, high: high, hidden: [128, 128], batch: 64, seed: 9)
        BLAS.useThreads(1)
        let referenceSAC = try TestLearners.sac(low: low, high: high, hidden: [128, 128], batch: 64, seed: 8)
        let referenceTD3 = try TestLearners.td3(low: low, high: high, hidden: [128, 128], batch: 64, seed: 9)
        XCTAssertTrue(fastSAC.critics.runsAtOnce && fastTD3.critics.runsAtOnce)
        XCTAssertFalse(referenceSAC.critics.runsAtOnce || referenceTD3.critics.runsAtOnce)
        compare("SAC on 2 threads", fast: fastSAC, reference: referenceSAC, items: { ($0 as! SAC).checkpointItems },
                rows: 64, fastThreads: 2, referenceUpdate: { referenceSAC.referenceUpdate(on: $0, using: &$1) })
        compare("TD3 on 2 threads", fast: fastTD3, reference: referenceTD3, items: { ($0 as! TD3).checkpointItems },
                rows: 64, fastThreads: 2, referenceUpdate: { referenceTD3.referenceUpdate(on: $0, using: &$1) })
    }

    /// Two learners from `make`: the first made while products may use two threads (so its critics get
    /// buffers of their own and run at once), the second on one thread (the reference).
    private func madeOnTwoThreadsAndOne<L>(_ make: () throws -> L) rethrows -> (fast: L, reference: L) {
        BLAS.useThreads(2)
        let fast = try make()
        BLAS.useThreads(1)
        return (fast, try make())
    }

    /// IQL on two threads runs the critics on one thread while the value and the actor take their steps on the
    /// other (`splitsSteps`, where products run whole) or the critics at once: the same bits as on one thread.
    func testIQLOnTwoThreadsEqualsIQLOnOne() throws {
        defer { BLAS.useThreads(1) }
        func make() throws -> IQL {
            let config = TestLearners.config(IQLConfig.self, hidden: [128, 128], batch: 64)
            var generator = SeededGenerator(seed: 11)
            return try IQL(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        }
        let (fast, reference) = try madeOnTwoThreadsAndOne(make)
        XCTAssertTrue(fast.critics.runsAtOnce)
        compare("IQL on 2 threads", fast: fast, reference: reference, items: { ($0 as! IQL).checkpointItems }, rows: 64, fastThreads: 2,
                referenceUpdate: { reference.update(on: $0, using: &$1) })
    }

    /// CQL's critics run their passes over the sampled actions at once on two threads (each with buffers of its
    /// own): the same bits as on one thread, with the fixed weight and with the Lagrange form (whose step sits
    /// between the two phases).
    func testCQLOnTwoThreadsEqualsCQLOnOne() throws {
        defer { BLAS.useThreads(1) }
        for lagrange in [nil, 5.0] {
            func make() throws -> CQL {
                var config = TestLearners.config(CQLConfig.self, hidden: [128, 128], batch: 64)
                config.lagrangeThreshold = lagrange
                var generator = SeededGenerator(seed: 10)
                return try CQL(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
            }
            let (fast, reference) = try madeOnTwoThreadsAndOne(make)
            XCTAssertTrue(fast.sac.critics.runsAtOnce)
            XCTAssertFalse(reference.sac.critics.runsAtOnce)
            compare("CQL on 2 threads, Lagrange threshold \(String(describing: lagrange))", fast: fast, reference: reference,
                    items: { ($0 as! CQL).checkpointItems }, rows: 64, fastThreads: 2,
                    referenceUpdate: { reference.update(on: $0, using: &$1) })
        }
    }
}
