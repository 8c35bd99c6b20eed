import Foundation
import RunFiles
import XCTest

/// An `offpolicy-reverb` process started by a test: its standard output and error go to a log file, and it dies
/// with the test process (`ParentLifetime`), also when a test fails before its teardown kills it.
final class RunProcess {
    /// The built `offpolicy-reverb`: next to the test bundle (what `swift build --build-tests` builds), else Reverb/.build/debug.
    static func executable() throws -> URL {
        var candidates: [URL] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("offpolicy-reverb"))
        }
        candidates.append(ReverbServerProcess.repository.appendingPathComponent("Reverb/.build/debug/offpolicy-reverb"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NSError(domain: "RunProcess", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "offpolicy-reverb was not found (looked at \(candidates.map(\.path).joined(separator: ", "))); run swift build --build-tests in Reverb/, as scripts/test-reverb does"])
        }
        return found
    }

    let name: String
    let log: URL
    let process = Process()

    /// `prefix` (for example `ip netns exec NS`) runs the executable inside something.
    init(_ name: String, _ arguments: [String], logIn directory: URL, prefix: [String] = []) throws {
        self.name = name
        log = directory.appendingPathComponent("\(name).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw NSError(domain: "RunProcess", code: 2, userInfo: [NSLocalizedDescriptionKey: "could not create the log \(log.path)"])
        }
        let executable = try Self.executable()
        process.executableURL = prefix.isEmpty ? executable : URL(fileURLWithPath: prefix[0])
        process.arguments = Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [executable.path]) + arguments
        process.environment = ParentLifetime.childEnvironment()
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the process to end (SIGKILL after 10 s).
    func stop(_ signal: Int32 = SIGKILL) {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning {
            _ = Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Runs to completion (at most `timeout` seconds, then killed) and returns its status and output.
    static func run(_ arguments: [String], logIn directory: URL, timeout: TimeInterval = 120) throws -> (status: Int32, output: String) {
        let child = try RunProcess("once-\(UUID().uuidString.prefix(8))", arguments, logIn: directory)
        let deadline = Date().addingTimeInterval(timeout)
        while child.isRunning && Date() < deadline { usleep(50_000) }
        child.stop()
        return (child.process.terminationStatus, child.output)
    }

    deinit { stop() }
}

/// Waits up to `timeout` seconds for `condition`, checking every 0.2 s; false when it never held.
func eventually(within timeout: TimeInterval, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(200_000)
    }
    return try condition()
}
