import Foundation
import TestSupport
import XCTest

/// `offpolicy dataset info` and `bench` as a user runs them.
final class DatasetCommandTests: XCTestCase {
    func testInfoReportsTheShippedMediumDataset() throws {
        for path in [DatasetFixtures.d4rlMedium, DatasetFixtures.minariMedium] {
            let output = try OffpolicyExecutable.run(["dataset", "info", path, "--json"])
            XCTAssertEqual(output.status, 0, output.standardError)
            let line = try XCTUnwrap(output.standardOutput.split(separator: "\n").last)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(json["transitions"] as? Int, 20_000)
            XCTAssertEqual(json["episodes"] as? Int, 100)
            XCTAssertEqual(json["observation_size"] as? Int, 3)
            XCTAssertEqual(json["action_size"] as? Int, 1)
            XCTAssertEqual(json["has_behavior_log_probabilities"] as? Bool, true)
            XCTAssertEqual(try XCTUnwrap(json["return_mean"] as? Double), -449.2, accuracy: 0.05)
            XCTAssertLessThan(try XCTUnwrap(json["return_min"] as? Double), try XCTUnwrap(json["return_max"] as? Double))
        }
        let text = try OffpolicyExecutable.run(["dataset", "info", DatasetFixtures.d4rlMedium])
        XCTAssertTrue(text.standardOutput.contains("behavior log-probs present"), text.standardOutput)
    }

    func testBenchRunsOnASmallFile() throws {
        let output = try OffpolicyExecutable.run(["dataset", "bench", "--transitions", "5000"])
        XCTAssertEqual(output.status, 0, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("import             5000 transitions"), output.standardOutput)
    }
}
