import TestSupport
import Foundation
import XCTest
import ReplayStore
import Transitions

/// A fresh temporary directory, removed when the test finishes.
func temporaryDirectory(_ testCase: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url.path
}

/// One transition whose every field encodes `index`, so a sampled row names where it came from.
func labelled(_ index: Int, observationSize: Int = 3, actionSize: Int = 2, source: TransitionSource = .online,
              episodeLength: Int = 5) -> TransitionBatch {
    var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize)
    let episode = index / episodeLength, step = index % episodeLength
    batch.append(observation: (0..<observationSize).map { Float(index) + Float($0) * 0.25 },
                 action: (0..<actionSize).map { Float(index) * 0.5 - Float($0) },
                 reward: Float(index),
                 nextObservation: (0..<observationSize).map { Float(index + 1) + Float($0) * 0.25 },
                 terminated: step == episodeLength - 1 && episode % 2 == 0,
                 truncated: step == episodeLength - 1 && episode % 2 == 1,
                 behaviorLogProbability: index % 3 == 0 ? .nan : -Float(index),
                 episodeID: UInt64(episode), stepIndex: UInt32(step), source: source)
    return batch
}

func labelled(_ range: Range<Int>, observationSize: Int = 3, actionSize: Int = 2, source: TransitionSource = .online) -> TransitionBatch {
    var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize)
    for index in range {
        let row = labelled(index, observationSize: observationSize, actionSize: actionSize, source: source)
        batch.append(observation: row.observations, action: row.actions, reward: row.rewards[0],
                     nextObservation: row.nextObservations, terminated: row.terminated[0], truncated: row.truncated[0],
                     behaviorLogProbability: row.behaviorLogProbabilities[0], episodeID: row.episodeIDs[0],
                     stepIndex: row.stepIndices[0], source: source)
    }
    return batch
}

/// The global index a `labelled` row was made from (its reward), after checking every field agrees.
func labelIndex(of batch: TransitionBatch, row: Int, source: TransitionSource? = nil, file: StaticString = #filePath, line: UInt = #line) -> Int {
    let index = Int(batch.rewards[row])
    let expected = labelled(index, observationSize: batch.observationSize, actionSize: batch.actionSize,
                            source: source ?? batch.sources[row])
    XCTAssertEqual(batch.rows(row..<(row + 1)), expected, "sampled row \(row) is not transition \(index)", file: file, line: line)
    return index
}

/// Runs `offpolicy arguments...` to completion; returns (exit status, stdout, stderr).
@discardableResult
func runOffpolicy(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
    let result = try OffpolicyExecutable.run(arguments)
    return (result.status, result.standardOutput, result.standardError)
}
