import Foundation
import XCTest

/// File systems and file attributes the robustness tests need: a small or read-only tmpfs, an
/// immutable file. They need root; a test skips with a message elsewhere.
public enum SystemFixtures {
    public static var isRoot: Bool { getuid() == 0 }

    /// Runs `tool arguments...`, discarding its output; true when it exits 0.
    @discardableResult
    public static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    /// Mounts a tmpfs of `size` (as `mount -o size=` takes it) on a new directory inside `directory`,
    /// unmounted when the test ends. Throws `XCTSkip` unless running as root with `mount` working.
    public static func tmpfs(size: String, in directory: String, for testCase: XCTestCase) throws -> String {
        try tmpfs(options: "size=\(size)", in: directory, for: testCase)
    }

    /// Mounts a tmpfs with mount `options` (`size=64k`, `nr_inodes=9`) on a new directory inside
    /// `directory`, unmounted when the test ends. Throws `XCTSkip` unless running as root with `mount` working.
    public static func tmpfs(options: String, in directory: String, for testCase: XCTestCase) throws -> String {
        guard isRoot else { throw XCTSkip("mounting a tmpfs needs root; this test runs only as root") }
        let mountPoint = directory + "/tmpfs-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard run("/usr/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", mountPoint]) else {
            throw XCTSkip("mount -t tmpfs failed here (no CAP_SYS_ADMIN in this container?)")
        }
        testCase.addTeardownBlock { run("/usr/bin/umount", ["-l", mountPoint]) }
        return mountPoint
    }

    /// Remounts the tmpfs at `mountPoint` read-only.
    public static func remountReadOnly(_ mountPoint: String) throws {
        guard run("/usr/bin/mount", ["-o", "remount,ro", mountPoint]) else { throw XCTSkip("mount -o remount,ro failed here") }
    }

    /// Makes `file` immutable (`chattr +i`) until the test ends. Throws `XCTSkip` where the file system
    /// or the user cannot.
    public static func makeImmutable(_ file: String, for testCase: XCTestCase) throws {
        guard isRoot, run("/usr/bin/chattr", ["+i", file]) else {
            throw XCTSkip("chattr +i is not possible here (needs root and a file system with the immutable attribute)")
        }
        testCase.addTeardownBlock { run("/usr/bin/chattr", ["-i", file]) }
    }
}
