import Dispatch
import Foundation
import TestSupport
import XCTest

/// `ChildProcess`, the TestSupport helper that every command-line test runs `offpolicy` through.
/// (TestSupport has no test target of its own; its tests sit with the first suite that uses it.)
final class ChildProcessTests: XCTestCase {
    private static let shell = URL(fileURLWithPath: "/bin/sh")
    private static let mebibyte = 1 << 20

    /// Runs the helper on another thread and gives up after `seconds`, so that a helper that
    /// deadlocks fails this test instead of hanging the suite.
    private func runWithDeadline(_ script: String, seconds: Double = 120,
                                 file: StaticString = #filePath, line: UInt = #line) throws -> ProcessOutput? {
        final class Outcome: @unchecked Sendable { var result: Result<ProcessOutput, Error>? }
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        Thread {
            outcome.result = Result { try ChildProcess.run(Self.shell, ["-c", script]) }
            finished.signal()
        }.start()
        guard finished.wait(timeout: .now() + seconds) == .success else {
            XCTFail("the child did not finish within \(seconds) s: the helper deadlocked on a full pipe", file: file, line: line)
            return nil
        }
        return try outcome.result?.get()
    }

    func testAChildFillingBothPipesCompletes() throws {
        // 1 MiB to standard error, 1 MiB to standard output, 1 MiB more to standard error: far more
        // than a pipe holds (64 KiB), in both orders. A helper that read one stream to its end before
        // the other would wait forever while the child waits for room in the other pipe.
        let script = #"""
        head -c 1048576 /dev/zero | tr '\000' e >&2
        head -c 1048576 /dev/zero | tr '\000' o
        head -c 1048576 /dev/zero | tr '\000' E >&2
        exit 3
        """#
        let output = try XCTUnwrap(try runWithDeadline(script))
        XCTAssertEqual(output.status, 3)
        XCTAssertEqual(output.standardOutput.utf8.count, Self.mebibyte)
        XCTAssertEqual(output.standardOutput, String(repeating: "o", count: Self.mebibyte))
        XCTAssertEqual(output.standardError.utf8.count, 2 * Self.mebibyte)
        XCTAssertEqual(output.standardError, String(repeating: "e", count: Self.mebibyte) + String(repeating: "E", count: Self.mebibyte))
    }

    func testStreamsStaySeparateAndStandardInputIsEmpty() throws {
        // `cat` copies standard input: it must see end of file at once, not the test runner's input.
        let output = try XCTUnwrap(try runWithDeadline("printf 'to out\\n'; printf 'to err\\n' >&2; cat; printf 'after cat'"))
        XCTAssertEqual(output.status, 0)
        XCTAssertEqual(output.standardOutput, "to out\nafter cat")
        XCTAssertEqual(output.standardError, "to err\n")
    }

    func testExitStatusIsReportedExactly() throws {
        for status in [0, 1, 64, 255] as [Int32] {
            let output = try XCTUnwrap(try runWithDeadline("exit \(status)"))
            XCTAssertEqual(output.status, status)
        }
    }

    func testAMissingExecutableThrows() {
        XCTAssertThrowsError(try ChildProcess.run(URL(fileURLWithPath: "/nonexistent/offpolicy-test-child"), []))
    }
}
