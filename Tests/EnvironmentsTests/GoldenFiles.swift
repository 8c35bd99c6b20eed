import Foundation
import XCTest

/// The golden trajectories recorded from Gymnasium, found at `../shared/golden` from the package root.
enum GoldenFiles {
    static var directory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // EnvironmentsTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // package root
            .deletingLastPathComponent()
            .appendingPathComponent("shared/golden")
    }

    /// The file's URL, or an XCTSkip naming the missing path.
    static func url(_ name: String) throws -> URL {
        let file = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw XCTSkip("golden trajectory \(file.path) is absent (it ships in ../shared/golden next to the package)")
        }
        return file
    }
}
