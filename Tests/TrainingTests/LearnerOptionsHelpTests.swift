import Learners
import TestSupport
import XCTest

/// `train --help` documents every option every registered algorithm declares.
final class LearnerOptionsHelpTests: XCTestCase {
    func testTrainHelpListsEveryDeclaredOption() throws {
        let help = try OffpolicyExecutable.run(["train", "--help"])
        XCTAssertEqual(help.status, 0, help.standardError)
        for type in Algorithms.all {
            for option in type.declaredOptions {
                XCTAssertTrue(help.standardOutput.contains("  \(option.flag)"), "\(type.algorithmName) \(option.flag) is not in train --help")
            }
        }
    }
}
