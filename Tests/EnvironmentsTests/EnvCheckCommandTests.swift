import TestSupport
import Foundation
import XCTest

/// `offpolicy env check`, run as a real process against the golden files and perturbed copies.
final class EnvCheckCommandTests: XCTestCase {
    private var temporaryDirectory: URL!

    override func setUpWithError() throws {
        temporaryDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("env-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temporaryDirectory)
    }

    func testGoldenFilesPass() throws {
        for (env, name) in [("Pendulum-v1", "pendulum-golden.csv"), ("MountainCarContinuous-v0", "mountaincar-golden.csv"), ("MountainCarContinuous-v0", "mountaincar-goal-golden.csv")] {
            let output = try OffpolicyExecutable.run(["env", "check", "--env", env, "--trajectory", try GoldenFiles.url(name).path])
            XCTAssertEqual(output.status, 0, "\(name): \(output.standardOutput)\(output.standardError)")
            XCTAssertTrue(output.standardOutput.contains("largest relative deviation, observation"), output.standardOutput)
            XCTAssertTrue(output.standardOutput.contains("PASS"), output.standardOutput)
        }
    }

    /// Rewrites one data row of a golden file: `edit` receives the row's fields.
    private func perturbedCopy(of name: String, row: Int, _ edit: (inout [String]) -> Void) throws -> URL {
        var lines = try String(contentsOf: try GoldenFiles.url(name), encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        var fields = lines[row + 1].components(separatedBy: ",")
        edit(&fields)
        lines[row + 1] = fields.joined(separator: ",")
        let copy = temporaryDirectory.appendingPathComponent("perturbed-\(name)")
        try lines.joined(separator: "\n").write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    func testPerturbedObservationFails() throws {
        // Scale one next-observation coordinate by 1 + 1e-4: ten times the tolerance.
        let copy = try perturbedCopy(of: "pendulum-golden.csv", row: 500) { fields in
            var values = fields[8].split(separator: " ").map { Double($0)! }
            values[2] *= 1 + 1e-4
            fields[8] = values.map { "\($0)" }.joined(separator: " ")
        }
        let output = try OffpolicyExecutable.run(["env", "check", "--env", "Pendulum-v1", "--trajectory", copy.path])
        XCTAssertEqual(output.status, 1, output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("t 100"), "names the episode step: \(output.standardOutput)")
        XCTAssertTrue(output.standardOutput.contains("FAIL"), output.standardOutput)
    }

    func testFlippedFlagFails() throws {
        let copy = try perturbedCopy(of: "mountaincar-goal-golden.csv", row: 107) { fields in
            XCTAssertEqual(fields[6], "1", "row 107 is the first goal step")
            fields[6] = "0"
        }
        let output = try OffpolicyExecutable.run(["env", "check", "--env", "MountainCarContinuous-v0", "--trajectory", copy.path])
        XCTAssertEqual(output.status, 1, output.standardOutput)
        XCTAssertTrue(output.standardOutput.contains("terminated ours 1, reference 0"), output.standardOutput)
    }

    func testPerturbationBelowTheToleranceStillPasses() throws {
        let copy = try perturbedCopy(of: "pendulum-golden.csv", row: 10) { fields in
            fields[5] = "\(Double(fields[5])! * (1 + 1e-7))"
        }
        let output = try OffpolicyExecutable.run(["env", "check", "--env", "Pendulum-v1", "--trajectory", copy.path])
        XCTAssertEqual(output.status, 0, output.standardOutput)
    }

    func testBadInputIsAClearError() throws {
        let missing = try OffpolicyExecutable.run(["env", "check", "--env", "Pendulum-v1", "--trajectory", temporaryDirectory.appendingPathComponent("none.csv").path])
        XCTAssertEqual(missing.status, 64, "a usage error (EX_USAGE): \(missing.standardError)")
        XCTAssertTrue(missing.standardError.contains("does not exist"), missing.standardError)
        let unknown = try OffpolicyExecutable.run(["env", "check", "--env", "CartPole-v1", "--trajectory", "x.csv"])
        XCTAssertEqual(unknown.status, 64, "a usage error (EX_USAGE): \(unknown.standardError)")
        XCTAssertTrue(unknown.standardError.contains("Pendulum-v1"), unknown.standardError)
    }
}
