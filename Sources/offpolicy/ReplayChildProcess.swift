import ArgumentParser
import Foundation
import RunFiles

/// Runs a read-only replay command (`verify`, `info`, `sample`) again in a child process and reports
/// how it ended, so a store whose pages crash LMDB still gets an answer instead of a core dump.
///
/// LMDB keeps no page checksums. A damaged B-tree page usually trips one of LMDB's assertions, which the
/// child turns into a one-line error itself (`LMDBAssertionResponse.exit`); but a damaged page can also
/// send LMDB (or the code reading a value it returned) outside the mapped file, and then the process
/// dies on SIGSEGV or SIGBUS. The parent never touches LMDB: it passes standard output through,
/// forwards standard error line by line, remembers the last line, and turns a death by signal into one
/// line on standard error and exit status 1.
///
/// The child is this executable with the same arguments plus the hidden flag `--in-process`, and
/// `SWIFT_BACKTRACE=enable=no` so a crash leaves its own last message rather than a backtrace.
enum ReplayChildProcess {
    static let inProcessFlag = "--in-process"

    /// Runs `offpolicy replay <subcommand> ... --in-process` and returns when it succeeded; otherwise
    /// throws `ExitCode` (the child's own status, or 1 after a one-line report of its death).
    /// `failurePrefix` starts that line ("error: ", "verify FAILED: ").
    static func run(subcommand: String, failurePrefix: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath())
        process.arguments = childArguments(subcommand: subcommand)
        // Foundation's Process changes into the parent's working directory by its path, which needs search
        // permission on every directory above it; through /proc/self/cwd the child enters it directly.
        if FileManager.default.fileExists(atPath: "/proc/self/cwd") {
            process.currentDirectoryURL = URL(fileURLWithPath: "/proc/self/cwd")
        }
        // The child dies with this process, also after kill -9 of it (`ParentLifetime`).
        var environment = ParentLifetime.childEnvironment()
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        do {
            try process.run()
        } catch {
            printError("\(failurePrefix)cannot start a child process to read the store: \(error.localizedDescription)")
            throw ExitCode(1)
        }
        var lastLine = ""
        var partial = Data()
        let reader = errors.fileHandleForReading
        while true {
            let data = reader.availableData
            if data.isEmpty { break }
            FileHandle.standardError.write(data)
            partial.append(data)
            let lines = String(decoding: partial, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
            if let last = lines.last { lastLine = String(last) }
            if partial.count > 1 << 16, let newline = partial.lastIndex(of: UInt8(ascii: "\n")) {
                partial = Data(partial[(newline + 1)...])
            }
        }
        process.waitUntilExit()
        switch process.terminationReason {
        case .exit:
            if process.terminationStatus != 0 { throw ExitCode(process.terminationStatus) }
        case .uncaughtSignal where process.terminationStatus == SIGPIPE:
            // Whoever read standard output stopped reading (`| head`): end as the child did, silently.
            signal(SIGPIPE, SIG_DFL)
            kill(getpid(), SIGPIPE)
            throw ExitCode(1)
        case .uncaughtSignal:
            printError(failurePrefix + describeDeath(signal: process.terminationStatus, lastLine: lastLine))
            throw ExitCode(1)
        @unknown default:
            throw ExitCode(1)
        }
    }

    /// One sentence for a child that died on `signal` after printing `lastLine`.
    static func describeDeath(signal: Int32, lastLine: String) -> String {
        let name = "signal \(signal) (\(String(cString: strsignal(signal))))"
        let said = lastLine.isEmpty ? "" : ": \(lastLine)"
        switch signal {
        case SIGABRT where lastLine.contains("Assertion"):
            return "B-tree damaged (LMDB aborted: \(lastLine))"
        case SIGSEGV, SIGBUS:
            return "B-tree damaged (reading the store crashed with \(name)\(said))"
        case SIGILL, SIGTRAP, SIGABRT:
            return "internal error: reading the store stopped on \(name)\(said); this is a bug in offpolicy, please report it"
        default:
            return "the process reading the store was killed by \(name)\(said)"
        }
    }

    /// This executable, for starting it again as a child: `/proc/self/exe` itself where there is one.
    ///
    /// The kernel follows that link to the running binary without searching the directories on its
    /// path, so a user who may run the binary may also start the child, even when it lives under a
    /// directory only its owner may enter (a clone in `/root` run as `nobody`). The path the link
    /// resolves to would need that search permission.
    static func executablePath() -> String {
        FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : CommandLine.arguments[0]
    }

    /// This command line with `--in-process` right after the subcommand's name (before any `--`).
    private static func childArguments(subcommand: String) -> [String] {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let position = arguments.firstIndex(of: subcommand).map { $0 + 1 } ?? arguments.count
        arguments.insert(inProcessFlag, at: position)
        return arguments
    }
}
