import XCTest
@testable import ReverbClient

final class SignatureTests: XCTestCase {
    func info(_ signature: [ReverbTensorSpec]?) -> ReverbTableInfo {
        ReverbTableInfo(name: "replay", sampler: .uniform, remover: .fifo, maxSize: 10, currentSize: 0, maxTimesSampled: 0,
                        rateLimiter: ReverbRateLimiterInfo(samplesPerInsert: 1, minDiff: 0, maxDiff: 1, minSizeToSample: 1,
                                                           insertsCompleted: 0, samplesCompleted: 0),
                        signature: signature, episodeCount: 0)
    }

    func transitions(observation: Int, action: Int) -> [ReverbTensorSpec] {
        [ReverbTensorSpec(name: "action", shape: [action], dataType: "float32"),
         ReverbTensorSpec(name: "behavior_log_probability", shape: [], dataType: "float32"),
         ReverbTensorSpec(name: "next_observation", shape: [observation], dataType: "float32"),
         ReverbTensorSpec(name: "observation", shape: [observation], dataType: "float32"),
         ReverbTensorSpec(name: "reward", shape: [], dataType: "float32"),
         ReverbTensorSpec(name: "terminated", shape: [], dataType: "bool"),
         ReverbTensorSpec(name: "truncated", shape: [], dataType: "bool")]
    }

    func testColumnOrderIsSortedKeys() {
        XCTAssertEqual(TransitionColumn.allCases.map(\.name), TransitionColumn.allCases.map(\.name).sorted())
    }

    func testMatchingSignaturePasses() throws {
        try info(transitions(observation: 3, action: 1)).checkTransitionSignature(observationSize: 3, actionSize: 1)
    }

    func testMismatchesAreRefusedNamingTheColumn() {
        XCTAssertThrowsError(try info(transitions(observation: 3, action: 1)).checkTransitionSignature(observationSize: 4, actionSize: 1)) { error in
            XCTAssertEqual("\(error)", "The signature of Reverb table 'replay' does not match this run: column 'next_observation' has shape [3], this run needs [4].")
        }
        XCTAssertThrowsError(try info(transitions(observation: 3, action: 1)).checkTransitionSignature(observationSize: 3, actionSize: 2)) { error in
            XCTAssertEqual(error as? ReverbError, .signatureMismatch(table: "replay", reason: "column 'action' has shape [1], this run needs [2]"))
        }
        var wrongType = transitions(observation: 3, action: 1)
        wrongType[5].dataType = "float32"
        XCTAssertThrowsError(try info(wrongType).checkTransitionSignature(observationSize: 3, actionSize: 1)) { error in
            XCTAssertEqual(error as? ReverbError, .signatureMismatch(table: "replay", reason: "column 'terminated' has dtype float32, this run needs bool"))
        }
        XCTAssertThrowsError(try info(Array(transitions(observation: 3, action: 1).dropLast())).checkTransitionSignature(observationSize: 3, actionSize: 1)) { error in
            XCTAssertEqual(error as? ReverbError, .signatureMismatch(
                table: "replay", reason: "its columns are action, behavior_log_probability, next_observation, observation, reward, terminated, expected action, behavior_log_probability, next_observation, observation, reward, terminated, truncated"))
        }
        XCTAssertThrowsError(try info(nil).checkTransitionSignature(observationSize: 3, actionSize: 1)) { error in
            XCTAssertEqual(error as? ReverbError, .signatureMismatch(table: "replay", reason: "the table has no signature; it needs the seven transition columns"))
        }
    }

    /// (N·P)^−β normalized by the largest: P = (0.5, 0.25, 0.25), N = 3, β = 1 gives 1/1.5, 1/0.75, 1/0.75 → 0.5, 1, 1.
    func testImportanceWeightsByHand() {
        let sample = ReverbSample(batch: .init(observationSize: 1, actionSize: 1), keys: [1, 2, 3], priorities: [2, 1, 1],
                                  probabilities: [0.5, 0.25, 0.25], tableSizes: [3, 3, 3], timesSampled: [1, 1, 1])
        XCTAssertEqual(sample.importanceWeights(exponent: 1), [0.5, 1, 1])
        // β = 0.5: sqrt(0.75 / 1.5) = 0.70710677.
        XCTAssertEqual(sample.importanceWeights(exponent: 0.5)[0], 0.70710677, accuracy: 1e-7)
    }
}
