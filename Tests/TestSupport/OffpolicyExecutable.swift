import Foundation

/// The built `offpolicy` executable, for tests that run it as a real process.
///
/// It is looked up at `$OFFPOLICY_BINARY`, next to the test bundle, next to the test runner, and in
/// `.build/debug`. A missing binary is an error, not a skip: `scripts/test` runs `swift build` first.
public enum OffpolicyExecutable {
    public struct NotFound: Error, CustomStringConvertible {
        public let description: String
    }

    /// What a finished run printed and how it exited.
    public typealias Output = ProcessOutput

    public static func url() throws -> URL {
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["OFFPOLICY_BINARY"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("offpolicy"))
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("offpolicy"))
        candidates.append(packageRoot.appendingPathComponent(".build/debug/offpolicy"))
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
        throw NotFound(description: "the offpolicy executable was not found (looked at "
            + candidates.map(\.path).joined(separator: ", ") + "); run `swift build` first, as scripts/test does")
    }

    /// Runs `offpolicy arguments...` to completion, reading its two output streams concurrently
    /// (see `ChildProcess`).
    @discardableResult
    public static func run(_ arguments: [String]) throws -> Output {
        try ChildProcess.run(try url(), arguments)
    }
}
