import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `offpolicy actor …` and `offpolicy train … --replay reverb://…` are run by `offpolicy-reverb`, the Reverb
/// companion package's executable (Reverb/, so that this package never builds gRPC). It is looked up next to this
/// executable, then on PATH, and replaces this process with the same arguments; without it, one sentence says how to build it.
enum ReverbForwarding {
    static let executableName = "offpolicy-reverb"
    static let buildAdvice = "swift build --package-path Reverb"

    /// Whether `arguments` (without the program name) are for the companion.
    static func isForwarded(_ arguments: [String]) -> Bool {
        guard let command = arguments.first else { return false }
        if command == "actor" { return true }
        guard command == "train" else { return false }
        for (index, word) in arguments.enumerated() {
            if word.hasPrefix("--replay=reverb://") { return true }
            if word == "--replay", index + 1 < arguments.count, arguments[index + 1].hasPrefix("reverb://") { return true }
        }
        return false
    }

    /// The companion next to this executable, else the first on PATH.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        var folders: [String] = []
        let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        folders.append(me.path == "/proc/self/exe" ? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
                                                   : me.deletingLastPathComponent().path)
        folders += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return folders.lazy.map { URL(fileURLWithPath: $0).appendingPathComponent(executableName).path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Replaces this process by the companion with `arguments`; prints one sentence and exits with status 1 when it cannot.
    static func forward(_ arguments: [String]) -> Never {
        guard let path = locate() else {
            let what = arguments.first == "actor" ? "offpolicy actor" : "offpolicy train --replay reverb://…"
            FileHandle.standardError.write(Data("Error: \(what) is run by \(executableName), which was found neither next to offpolicy nor on PATH; build it with `\(buildAdvice)` and put its .build/debug (or release) folder on PATH.\n".utf8))
            exit(1)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, &argv)
        FileHandle.standardError.write(Data("Error: could not run \(path): \(String(cString: strerror(errno))).\n".utf8))
        exit(1)
    }
}
