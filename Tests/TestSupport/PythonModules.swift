import Foundation
import XCTest

/// Whether `python3` (from PATH, as `scripts/setup` and the bridge use it) imports what a test needs. Without
/// it the test skips saying what to install, except under `CI=true`, where it fails.
public enum PythonModules {
    public static let env = URL(fileURLWithPath: "/usr/bin/env")
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// True when `python3` imports every module of `modules`; otherwise throws `XCTSkip` (or, under CI, records
    /// a failure and returns false). `install` says how to get them.
    public static func available(_ modules: [String], install: String) throws -> Bool {
        let probe = try ChildProcess.run(env, ["python3", "-c", "import " + modules.joined(separator: ", ")])
        if probe.status == 0 { return true }
        let reason = probe.standardError.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(probe.status)"
        let problem = "python3 cannot import \(modules.joined(separator: ", ")); \(install) (\(reason))"
        guard isCI else { throw XCTSkip(problem) }
        XCTFail("under CI=true this test may not skip: " + problem)
        return false
    }
}
