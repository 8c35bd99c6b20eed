import Foundation

/// The golden trajectories recorded from Gymnasium 1.4.0, kept in the repository as test fixtures
/// (`Tests/EnvironmentsTests/Fixtures`, see its README). They are found through `#filePath`, so the
/// tests read them straight from the source tree.
enum GoldenFiles {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    /// The fixture's URL. A missing fixture is an error, never a skip: the files ship with the package.
    static func url(_ name: String) throws -> URL {
        let file = directory.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw Missing(description: "golden trajectory \(file.path) is missing; it is part of the repository (Tests/EnvironmentsTests/Fixtures)")
        }
        return file
    }
}
