import Foundation
import Randomness
import Transitions

enum TestData {
    /// `rows` random transitions with actions inside [low, high]; row 0 is terminated, row 1 truncated.
    static func batch(rows: Int, observationSize: Int, low: [Float], high: [Float], seed: UInt64) -> TransitionBatch {
        var generator = SeededGenerator(seed: seed, stream: 99)
        var batch = TransitionBatch(observationSize: observationSize, actionSize: low.count, reservingCapacity: rows)
        for r in 0..<rows {
            batch.append(observation: (0..<observationSize).map { _ in Float(generator.nextGaussian()) },
                         action: low.indices.map { generator.nextFloat(in: low[$0], high[$0]) },
                         reward: Float(generator.nextGaussian()),
                         nextObservation: (0..<observationSize).map { _ in Float(generator.nextGaussian()) },
                         terminated: r == 0, truncated: r == 1, episodeID: UInt64(r), stepIndex: 0)
        }
        return batch
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("learners-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
