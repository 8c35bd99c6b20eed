import Foundation
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// Checkpoints restore everything: a run resumed from one continues bit for bit.
final class CheckpointTests: XCTestCase {
    private let low: [Float] = [-2], high: [Float] = [2]
    private var directory: URL!

    override func setUpWithError() throws { directory = try TestData.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    private func makeLearner(_ algorithm: String, seed: UInt64) throws -> any Learner {
        try TestLearners.learner(algorithm, low: low, high: high, seed: seed)
    }

    private func run(_ learner: any Learner, updates: Range<Int>, generator: inout SeededGenerator) -> [UpdateMetrics] {
        updates.map { i in
            learner.update(on: TestData.batch(rows: 8, observationSize: 3, low: low, high: high, seed: UInt64(i)), using: &generator)
        }
    }

    private func files(_ directory: URL) throws -> [Data] {
        try ["learner.safetensors", "learner.json"].map { try Data(contentsOf: directory.appendingPathComponent($0)) }
    }

    func testResumeContinuesBitForBit() throws {
        for algorithm in Algorithms.names {
            let saved = directory.appendingPathComponent("\(algorithm)-saved"), straight = directory.appendingPathComponent("\(algorithm)-straight"),
                resumed = directory.appendingPathComponent("\(algorithm)-resumed")
            for url in [saved, straight, resumed] { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }

            // Three updates (odd, so TD3's policy delay is mid-cycle), checkpoint, three more.
            let original = try makeLearner(algorithm, seed: 1)
            var generator = SeededGenerator(seed: 2)
            _ = run(original, updates: 0..<3, generator: &generator)
            try original.saveCheckpoint(to: saved)
            let generatorAtCheckpoint = generator
            let straightMetrics = run(original, updates: 3..<6, generator: &generator)
            try original.saveCheckpoint(to: straight)

            // A learner initialised differently, restored from the checkpoint, does the same three updates.
            let restored = try makeLearner(algorithm, seed: 99)
            try restored.loadCheckpoint(from: saved)
            var resumedGenerator = generatorAtCheckpoint
            let resumedMetrics = run(restored, updates: 3..<6, generator: &resumedGenerator)
            try restored.saveCheckpoint(to: resumed)

            XCTAssertEqual(try files(straight), try files(resumed), "\(algorithm): resumed state differs")
            XCTAssertEqual(straightMetrics.map { $0.mapValues(\.bitPattern) }, resumedMetrics.map { $0.mapValues(\.bitPattern) }, "\(algorithm)")
            var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
            XCTAssertEqual(original.act(on: [0.1, 0.2, 0.3], deterministic: false, using: &a).action,
                           restored.act(on: [0.1, 0.2, 0.3], deterministic: false, using: &b).action)
        }
    }

    func testSameSeedSameRunDifferentSeedDifferentRun() throws {
        for algorithm in Algorithms.names {
            var results: [[Data]] = []
            for (index, seed) in [7, 7, 8].enumerated() {
                let learner = try makeLearner(algorithm, seed: UInt64(seed))
                var generator = SeededGenerator(seed: UInt64(seed))
                _ = run(learner, updates: 0..<4, generator: &generator)
                let url = directory.appendingPathComponent("\(algorithm)-\(index)")
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                try learner.saveCheckpoint(to: url)
                results.append(try files(url))
            }
            XCTAssertEqual(results[0], results[1], "\(algorithm): same seed, different state")
            XCTAssertNotEqual(results[0][0], results[2][0], "\(algorithm): different seeds, same state")
        }
    }

    func testIncompatibleCheckpointIsRejected() throws {
        let sac = try makeLearner("sac", seed: 1)
        try sac.saveCheckpoint(to: directory)
        let td3 = try makeLearner("td3", seed: 1)
        XCTAssertThrowsError(try td3.loadCheckpoint(from: directory)) { error in
            XCTAssertTrue("\(error)".contains("algorithm"), "\(error)")
        }
        let other = try TestLearners.sac(low: low, high: high, hidden: [8], seed: 1)
        XCTAssertThrowsError(try other.loadCheckpoint(from: directory)) { error in
            XCTAssertTrue("\(error)".contains("hidden sizes"), "\(error)")
        }
    }
}
