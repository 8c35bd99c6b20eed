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

            // Poison one actor weight.
            let actor = (learner as? SAC)?.actor ?? (learner as! TD3).actor
            actor.parameters.base[3] = .nan
            XCTAssertFalse(learner.parametersAreFinite, name)
            XCTAssertThrowsError(try learner.saveCheckpoint(to: good)) { error in
                guard case LearnerError.nonFiniteParameter(let tensor, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(tensor.hasPrefix("actor."), tensor)
            }
            XCTAssertThrowsError(try learner.savePolicy(to: good.appendingPathComponent("policy.safetensors")))
            XCTAssertEqual(try Data(contentsOf: good.appendingPathComponent("learner.safetensors")), saved, "\(name): the good checkpoint is untouched")
            XCTAssertNoThrow(try Safetensors.read(from: good.appendingPathComponent("policy.safetensors")))
        }
    }
}
