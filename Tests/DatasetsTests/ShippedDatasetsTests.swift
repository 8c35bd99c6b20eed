import Datasets
import Foundation
import XCTest

/// The datasets in `datasets/` are what `datasets/README.md` says: readable D4RL files of 10,000
/// transitions, 50 episodes, with behavior log-probabilities, and the mean returns it lists.
final class ShippedDatasetsTests: XCTestCase {
    func testShippedDatasetsMatchTheirREADME() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("datasets")
        let expected: [(String, Double)] = [("random", -1240.0), ("medium", -511.4), ("expert", -141.9)]
        for (name, meanReturn) in expected {
            let dataset = try LoggedDataset.read(from: folder.appendingPathComponent("pendulum-\(name).hdf5").path)
            let summary = DatasetSummary(dataset)
            XCTAssertEqual(summary.transitions, 10_000, name)
            XCTAssertEqual(summary.episodes, 50, name)
            XCTAssertTrue(summary.hasBehaviorLogProbabilities, name)
            XCTAssertEqual(summary.returnMean, meanReturn, accuracy: 0.05, name)
            XCTAssertEqual(summary.observationSize, 3)
            XCTAssertEqual(summary.actionSize, 1)
        }
    }
}
