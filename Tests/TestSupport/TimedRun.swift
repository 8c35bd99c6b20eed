import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built `offpolicy` with a deadline: a run that outlives it is killed (SIGKILL) and reported
/// as hung, so a test of a hang never hangs the suite. Output goes through temporary files, never a
/// pipe a stuck child could fill.
public enum TimedRun {
    public struct Result: Sendable {
        public var output: ProcessOutput
        /// The run was still going at the deadline and was killed.
        public var hung: Bool
        /// Ended by a signal (a crash) rather than an exit.
        public var signalled: Bool
    }

    public static func offpolicy(_ arguments: [String], timeout: TimeInterval = 120) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-timed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputFile = scratch.appendingPathComponent("stdout"), errorFile = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile), errors = try FileHandle(forWritingTo: errorFile)
        let process = Process()
        process.executableURL = try OffpolicyExecutable.url()
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        var hung = false
        while process.isRunning {
            if Date() > deadline {
                hung = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        try? output.close()
        try? errors.close()
        let text = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return Result(output: ProcessOutput(status: process.terminationStatus, standardOutput: text(outputFile), standardError: text(errorFile)),
                      hung: hung, signalled: process.terminationReason == .uncaughtSignal)
    }
}
