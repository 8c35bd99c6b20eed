import Foundation
import TestSupport
import XCTest

/// `replay fill` on an existing store: sizes given on the command line are checked, never ignored.
final class FillCommandTests: XCTestCase {
    func testFillRefusesSizesThatDifferFromTheExistingStore() throws {
        let path = try temporaryDirectory(self) + "/store"
        XCTAssertEqual(try runOffpolicy(["replay", "fill", path, "--transitions", "50", "--seed", "4", "--chunk", "16"]).status, 0)

        for (option, value, field) in [("--chunk", "32", "chunkLength"), ("--action-size", "5", "actionSize"),
                                       ("--capacity", "10", "capacity"), ("--level", "3", "compressionLevel")] {
            let refused = try runOffpolicy(["replay", "fill", path, "--transitions", "50", "--seed", "4", option, value])
            XCTAssertEqual(refused.status, 1, option)
            XCTAssertTrue(refused.error.contains(field), "the error names \(field): \(refused.error)")
            XCTAssertFalse(refused.output.contains("committed"), "nothing was appended")
        }

        // The same sizes, or none, continue the store; the result is still the synthetic stream.
        XCTAssertEqual(try runOffpolicy(["replay", "fill", path, "--transitions", "50", "--seed", "4", "--chunk", "16"]).status, 0)
        let verify = try runOffpolicy(["replay", "verify", path, "--synthetic-seed", "4"])
        XCTAssertEqual(verify.status, 0, verify.error)
        XCTAssertTrue(verify.output.contains("100 transitions"), verify.output)
    }
}
