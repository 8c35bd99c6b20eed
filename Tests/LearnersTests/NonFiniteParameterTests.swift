import Foundation
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// A learner whose parameters stopped being finite says so, and never writes them to a file.
final class NonFiniteParameterTests: XCTestCase {
    func testCheckpointAndPolicyWritersRefuseNonFiniteParameters() throws {
        let directory = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in Algorithms.names {
            let learner = try TestLearners.learner(name, low: [-1], high: [1], seed: 1)
            XCTAssertTrue(learner.parametersAreFinite, name)
            let good = directory.appendingPathComponent("\(name)-good")
            try FileManager.default.createDirectory(at: good, withIntermediateDirectories: true)
            try learner.saveCheckpoint(to: good)
            try learner.savePolicy(to: good.appendingPathComponent("policy.safetensors"))
            let saved = try Data(contentsOf: good.appendingPathComponent("learner.safetensors"))

            // A NaN gradient reaches the actor's Adam step: its parameters become NaN, and the step's
            // own check reports it.
            let onPolicy = (learner as? PPO)?.networks ?? (learner as? A2C)?.networks
            let (actor, optimizer) = onPolicy.map { ($0.policy, $0.policyOptimizer) }
                ?? (learner as? SAC).map { ($0.actor, $0.actorOptimizer) }
                ?? (learner as? BehaviorCloning).map { ($0.actor, $0.actorOptimizer) }
                ?? (learner as? IQL).map { ($0.actor, $0.actorOptimizer) }
                ?? (learner as? CQL).map { ($0.sac.actor, $0.sac.actorOptimizer) }
                ?? ((learner as! TD3).actor, (learner as! TD3).actorOptimizer)
            actor.gradients.base[5] = .nan
            optimizer.step(actor)
            XCTAssertFalse(learner.parametersAreFinite, "\(name): the optimiser's own check saw it")
            XCTAssertThrowsError(try learner.saveCheckpoint(to: good)) { error in
                guard case LearnerError.nonFiniteParameter(let tensor, let index, let value) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(tensor.hasPrefix(onPolicy == nil ? "actor." : "mlp_extractor.policy_net."), tensor)
                XCTAssertEqual(index, 5, tensor)
                XCTAssertTrue(value.isNaN)
            }
            XCTAssertThrowsError(try learner.savePolicy(to: good.appendingPathComponent("policy.safetensors"))) { error in
                guard case LearnerError.nonFiniteParameter(let tensor, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(tensor.contains(".0.weight"), tensor)
            }
            XCTAssertEqual(try Data(contentsOf: good.appendingPathComponent("learner.safetensors")), saved, "\(name): the good checkpoint is untouched")
            XCTAssertNoThrow(try Safetensors.read(from: good.appendingPathComponent("policy.safetensors")))
        }
    }
}
