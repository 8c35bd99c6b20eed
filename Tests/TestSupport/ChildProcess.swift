import Dispatch
import Foundation

/// Runs an executable as a child process to completion and collects both of its output streams.
///
/// Both pipes are drained at the same time: standard error on a second thread while this one reads
/// standard output. Reading one to its end before the other would deadlock as soon as the child fills
/// the pipe not being read (64 KiB on Linux) and blocks writing to it. The child's standard input is
/// `/dev/null`, so a child that reads it sees end of file instead of waiting for the test runner's.
///
/// (swift-subprocess does this too, but its API is `async`, and these helpers serve synchronous
/// XCTest methods; Foundation's `Process` with two readers needs no bridge and no new dependency.)
public enum ChildProcess {
    /// Runs `executable arguments...` and waits for it to exit; with `environment`, in that environment instead of this process's.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        let errorReader = PipeReader(errors.fileHandleForReading)
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errorReader.wait()
        process.waitUntilExit()
        return ProcessOutput(status: process.terminationStatus,
                             standardOutput: String(decoding: outputData, as: UTF8.self),
                             standardError: String(decoding: errorData, as: UTF8.self))
    }
}
