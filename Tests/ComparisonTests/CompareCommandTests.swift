import Comparison
import Foundation
import TestSupport
import XCTest

/// `offpolicy compare` and `offpolicy plot` end to end, with tiny real runs of the built executable.
final class CompareCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Tiny runs: 300 steps (100 of them warm-up), 16-16 networks, an evaluation of one episode every 100 steps.
    private func compareArguments(_ algorithms: String, seeds: Int, steps: Int = 300, out: URL, extra: [String] = []) -> [String] {
        ["compare", "--algos", algorithms, "--seeds", "\(seeds)", "--steps", "\(steps)", "--hidden", "16,16",
         "--eval-every", "100", "--eval-episodes", "1", "--jobs", "2", "--out", out.path] + extra
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// Every run is started (and resumed) with the --threads given; a thread count is no setting of a run,
    /// so the same comparison with another count finds its runs finished. --train-args may not set it.
    func testRunsGetTheThreadsGivenAndAnotherCountIsNoNewSetting() throws {
        let out = directory.appendingPathComponent("cmp")
        let first = try OffpolicyExecutable.run(compareArguments("sac", seeds: 1, out: out, extra: ["--threads", "3"]))
        XCTAssertEqual(first.status, 0, first.standardError)
        let log = try text(out.appendingPathComponent("runs/sac-seed0/stdout.log"))
        let command = try XCTUnwrap(log.split(separator: "\n").first)
        XCTAssertTrue(command.hasSuffix("--run-dir \(out.appendingPathComponent("runs/sac-seed0").path) --threads 3"), String(command))

        let again = try OffpolicyExecutable.run(compareArguments("sac", seeds: 1, out: out, extra: ["--threads", "1"]))
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertTrue(again.standardError.contains("compare: 1 finished"), again.standardError)
        XCTAssertEqual(try text(out.appendingPathComponent("runs/sac-seed0/stdout.log")), log, "the run was not started again")

        let owned = try OffpolicyExecutable.run(compareArguments("sac", seeds: 1, out: out, extra: ["--train-args", "--threads 2"]))
        XCTAssertEqual(owned.status, 64, owned.standardError)
        XCTAssertTrue(owned.standardError.contains("--train-args: --threads is set by compare itself"), owned.standardError)
    }

    func testPlannedRunsPassTheirThreadsOnStartAndResume() {
        let folder = URL(fileURLWithPath: "/tmp/cmp/runs/sac-seed0")
        let run = PlannedRun(algorithm: "sac", seed: 0, folder: folder, settings: ["sac", "--seed", "0"], steps: 300, threads: 2)
        XCTAssertEqual(run.startArguments, ["train", "sac", "--seed", "0", "--steps", "300", "--run-dir", folder.path, "--threads", "2"])
        XCTAssertEqual(run.resumeArguments, ["train", "--resume", folder.path, "--steps", "300", "--threads", "2"])
        let plain = PlannedRun(algorithm: "sac", seed: 0, folder: folder, settings: ["sac"], steps: 300)
        XCTAssertEqual(plain.resumeArguments, ["train", "--resume", folder.path, "--steps", "300"])
    }

    func testCompareRunsEverySeedResumesWithoutRerunningAndPlots() throws {
        let out = directory.appendingPathComponent("cmp")
        let first = try OffpolicyExecutable.run(compareArguments("sac,ddpg", seeds: 2, out: out))
        XCTAssertEqual(first.status, 0, first.standardError)

        // curves.csv: 2 algorithms × 2 seeds × evaluations at 100, 200, 300.
        let curves = try CurvesFile.read(from: out.appendingPathComponent("curves.csv"))
        XCTAssertEqual(curves.map { "\($0.algorithm)-\($0.seed)" }, ["sac-0", "sac-1", "ddpg-0", "ddpg-1"])
        XCTAssertTrue(curves.allSatisfy { $0.points.map(\.steps) == [100, 200, 300] })
        // The curves are the runs' own evaluations.
        let progress = try text(out.appendingPathComponent("runs/ddpg-seed1/progress.csv")).split(separator: "\n")
        XCTAssertEqual(Double(progress[3].split(separator: ",")[4]), curves[3].points[2].value)

        let summary = try text(out.appendingPathComponent("summary.csv")).split(separator: "\n").map(String.init)
        XCTAssertEqual(summary.count, 3)
        XCTAssertTrue(summary[1].hasPrefix("sac,off,2,"), summary[1])
        XCTAssertTrue(summary[2].hasPrefix("ddpg,off,2,"), summary[2])
        XCTAssertTrue(first.standardOutput.contains("final return (95% CI)"), first.standardOutput)
        let svg = try text(out.appendingPathComponent("curves.svg"))
        XCTAssertEqual(svg.components(separatedBy: "class=\"mean-curve\"").count - 1, 2)
        let statusLines = first.standardError.split(separator: "\n")
        for name in ["sac seed 0", "sac seed 1", "ddpg seed 0", "ddpg seed 1"] {
            // A run may finish between two polls of the status board, so only its closing line is certain;
            // that line carries the run's last evaluation, which is the one in its progress.csv.
            let last = try text(out.appendingPathComponent("runs/\(name.replacingOccurrences(of: " seed ", with: "-seed"))/progress.csv"))
                .split(separator: "\n").last!.split(separator: ",")[4]
            let shown = String(format: "eval %.1f", Double(last)!)
            XCTAssertTrue(statusLines.contains { $0.hasPrefix(name) && $0.contains("finished  300/300 steps (100%)") && $0.contains(shown) },
                          "a closing line for \(name) with its last evaluation (\(shown)): \(first.standardError)")
        }

        // Again: every run finished, so nothing runs; the outputs are written again, identical.
        let logs = try ["sac-seed0", "sac-seed1", "ddpg-seed0", "ddpg-seed1"].map { try text(out.appendingPathComponent("runs/\($0)/stdout.log")) }
        let summaryBefore = try text(out.appendingPathComponent("summary.csv"))
        let second = try OffpolicyExecutable.run(compareArguments("sac,ddpg", seeds: 2, out: out))
        XCTAssertEqual(second.status, 0, second.standardError)
        XCTAssertTrue(second.standardError.contains("compare: 4 finished"), second.standardError)
        XCTAssertFalse(second.standardError.contains("running"), second.standardError)
        XCTAssertEqual(try ["sac-seed0", "sac-seed1", "ddpg-seed0", "ddpg-seed1"].map { try text(out.appendingPathComponent("runs/\($0)/stdout.log")) },
                       logs, "no run was started again")
        XCTAssertEqual(try text(out.appendingPathComponent("summary.csv")), summaryBefore)

        // --normalize is no setting of a run: the finished runs are summarised again in scores. With the
        // returns −1600 and −100 as references a return R scores (R + 1600) / 15.
        let curvesBefore = try text(out.appendingPathComponent("curves.csv"))
        let scored = try OffpolicyExecutable.run(compareArguments("sac,ddpg", seeds: 2, out: out, extra: ["--normalize", "-1600,-100"]))
        XCTAssertEqual(scored.status, 0, scored.standardError)
        XCTAssertFalse(scored.standardError.contains("running"), scored.standardError)
        XCTAssertEqual(try text(out.appendingPathComponent("curves.csv")), curvesBefore, "curves.csv keeps the returns")
        let scoredSummary = try text(out.appendingPathComponent("summary.csv")).split(separator: "\n").map(String.init)
        XCTAssertEqual(scoredSummary[0], ComparisonSummary.csvHeader + "," + ComparisonSummary.scoreCSVColumns
                           + ",task,reference," + AggregateComparison.csvColumns)
        for (line, algorithm) in zip(scoredSummary.dropFirst(), ["sac", "ddpg"]) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            let finals = curves.filter { $0.algorithm == algorithm }.map { $0.points.last!.value }
            XCTAssertEqual(fields[13], "returns -1600 and -100")
            XCTAssertEqual(Double(fields[14])!, (finals[0] + finals[1]) / 2 / 15 + 1600.0 / 15, accuracy: 1e-9, line)
            XCTAssertEqual(Double(fields[15])!, finals.min()! / 15 + 1600.0 / 15, accuracy: 1e-9, line)
            XCTAssertEqual(Double(fields[16])!, finals.max()! / 15 + 1600.0 / 15, accuracy: 1e-9, line)
            // The statistics over tasks (here one) score on rliable's scale with the same two returns:
            // (R + 1600) / 1500, the mean of task means being the D4RL score over 100.
            let header = scoredSummary[0].split(separator: ",").map(String.init)
            XCTAssertEqual(fields[header.firstIndex(of: "reference")!], "given")
            XCTAssertEqual(fields[header.firstIndex(of: "task")!], "Pendulum-v1")
            XCTAssertEqual(Double(fields[header.firstIndex(of: "mean")!])!, Double(fields[14])! / 100, accuracy: 1e-9, line)
        }
        XCTAssertTrue(scored.standardOutput.contains("AUC (mean score, 95% CI)"), scored.standardOutput)
        XCTAssertTrue(scored.standardOutput.contains("with reference: the given returns (random -1600, expert -100); the threshold is a return."),
                      scored.standardOutput)
        XCTAssertTrue(try text(out.appendingPathComponent("curves.svg")).contains(">normalised score (returns -1600 and -100)</text>"))

        // The same folder with other settings is refused, and nothing is touched.
        let changed = try OffpolicyExecutable.run(compareArguments("sac,ddpg", seeds: 2, out: out, extra: ["--train-args", "--batch 32"]))
        XCTAssertEqual(changed.status, 64, changed.standardError)
        XCTAssertTrue(changed.standardError.contains("was started with other settings"), changed.standardError)

        // plot: one run directory, and the compare directory.
        let single = directory.appendingPathComponent("one.svg")
        let plotRun = try OffpolicyExecutable.run(["plot", out.appendingPathComponent("runs/sac-seed0").path, "--out", single.path])
        XCTAssertEqual(plotRun.status, 0, plotRun.standardError)
        let singleSVG = try text(single)
        XCTAssertEqual(singleSVG.components(separatedBy: "class=\"mean-curve\" data-algorithm=\"sac\"").count - 1, 1)
        XCTAssertTrue(singleSVG.contains("class=\"threshold\" data-value=\"-200.0\""), "Pendulum's default threshold")
        let all = directory.appendingPathComponent("all.svg")
        let plotComparison = try OffpolicyExecutable.run(["plot", out.path, "--out", all.path, "--no-threshold"])
        XCTAssertEqual(plotComparison.status, 0, plotComparison.standardError)
        XCTAssertTrue(plotComparison.standardOutput.contains("sac (2 runs), ddpg (2 runs)"), plotComparison.standardOutput)
        XCTAssertFalse(try text(all).contains("class=\"threshold\""))
        let notARun = try OffpolicyExecutable.run(["plot", directory.path, "--out", directory.appendingPathComponent("none.svg").path])
        XCTAssertEqual(notARun.status, 64, notARun.standardError)
        XCTAssertTrue(notARun.standardError.contains("is neither a run directory"), notARun.standardError)
    }

    func testAnOnPolicyLearnerWithOneOrTwoUpdatesIsWarnedAbout() throws {
        let out = directory.appendingPathComponent("few-updates")
        let result = try OffpolicyExecutable.run(["compare", "--algos", "ppo,sac", "--seeds", "1", "--steps", "300", "--hidden", "8,8",
                                                  "--eval-every", "300", "--eval-episodes", "1", "--jobs", "2", "--out", out.path,
                                                  "--train-args", "ppo: --n-envs 2 --n-steps 128"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let warnings = result.standardError.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        XCTAssertEqual(warnings, ["warning: ppo updates only 1 time(s) in 300 steps (a rollout is 2 × 128 steps)"], result.standardError)
        XCTAssertTrue(result.standardOutput.contains("with 1 run (ppo, sac) the 95% interval is that run's value alone"), result.standardOutput)
    }

    func testAFailedRunIsReportedAndDoesNotStopTheOthers() throws {
        // A learning rate of 10^30 makes TD3's critic loss infinite at its second update: the trainer stops
        // with "learner diverged" and exit status 1, while the SAC run goes on to the end.
        let out = directory.appendingPathComponent("cmp")
        let result = try OffpolicyExecutable.run(compareArguments("sac,td3", seeds: 1, out: out, extra: ["--train-args", "td3: --lr 1e30"]))
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("td3 seed 0 failed (exit status 1); last lines of"), result.standardError)
        XCTAssertTrue(result.standardError.contains("learner diverged"), result.standardError)
        XCTAssertTrue(try text(out.appendingPathComponent("runs/td3-seed0/stderr.log")).contains("learner diverged"))
        XCTAssertTrue(try text(out.appendingPathComponent("runs/td3-seed0/compare-run.json")).contains("\"exitStatus\" : 1"))
        let summary = try text(out.appendingPathComponent("summary.csv")).split(separator: "\n")
        XCTAssertEqual(summary.count, 2, "the finished run only")
        XCTAssertTrue(summary[1].hasPrefix("sac,off,1,"))
        XCTAssertEqual(try CurvesFile.read(from: out.appendingPathComponent("curves.csv")).map(\.algorithm), ["sac"])
    }

    func testInterruptStopsEveryRunAtACheckpointAndTheSameCommandFinishesThem() throws {
        let out = directory.appendingPathComponent("cmp")
        let arguments = compareArguments("sac,td3", seeds: 1, steps: 800, out: out)
        let process = Process()
        process.executableURL = try OffpolicyExecutable.url()
        process.arguments = arguments
        let log = directory.appendingPathComponent("compare.log")
        XCTAssertTrue(FileManager.default.createFile(atPath: log.path, contents: nil), "could not create \(log.path)")
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // Wait until both runs have evaluated once, then press Ctrl-C.
        let deadline = Date().addingTimeInterval(60)
        let progress = ["sac", "td3"].map { out.appendingPathComponent("runs/\($0)-seed0/progress.csv") }
        while Date() < deadline,
              !progress.allSatisfy({ ((try? String(contentsOf: $0, encoding: .utf8)) ?? "").split(separator: "\n").count >= 2 }) {
            usleep(50_000)
        }
        process.interrupt()
        process.waitUntilExit()
        try handle.close()
        let output = try text(log)
        XCTAssertEqual(process.terminationStatus, 130, output)
        XCTAssertTrue(output.contains("Run the same command again to resume"), output)
        for name in ["sac", "td3"] {
            let record = try text(out.appendingPathComponent("runs/\(name)-seed0/compare-run.json"))
            XCTAssertTrue(record.contains("\"exitStatus\" : 130"), record)
            XCTAssertTrue(try text(out.appendingPathComponent("runs/\(name)-seed0/stdout.log")).contains("checkpoint written"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("summary.csv").path))

        let resumed = try OffpolicyExecutable.run(arguments)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        for name in ["sac", "td3"] {
            XCTAssertTrue(try text(out.appendingPathComponent("runs/\(name)-seed0/stdout.log")).contains("train --resume"))
        }
        let curves = try CurvesFile.read(from: out.appendingPathComponent("curves.csv"))
        XCTAssertEqual(curves.map { $0.points.map(\.steps) }, Array(repeating: Array(stride(from: 100, through: 800, by: 100)), count: 2))
    }

    func testBadArgumentsAreRefusedBeforeAnythingRuns() throws {
        let out = directory.appendingPathComponent("cmp")
        let cases: [([String], String)] = [
            (compareArguments("sac,nope", seeds: 1, out: out), "unknown learner 'nope'"),
            (compareArguments("sac,sac", seeds: 1, out: out), "names a learner twice"),
            (compareArguments("sac", seeds: 0, out: out), "--seeds must be at least 1"),
            (compareArguments("sac", seeds: 1, out: out, extra: ["--train-args", "--steps 5"]), "--steps is set by compare itself"),
            (compareArguments("sac,td3", seeds: 1, out: out, extra: ["--train-args", "td3: --lr -1"]), "train refuses the settings of td3"),
            (compareArguments("sac,td3", seeds: 1, out: out, extra: ["--train-args", "td3: --n-step 3"]), "train refuses the settings of td3 (td3 --env Pendulum-v1 --seed 0 --eval-every 100 --eval-episodes 1 --hidden 16,16 --n-step 3): --n-step"),
            (compareArguments("sac", seeds: 1, out: out, extra: ["--normalize", "d4rl"]),
             "Error: --normalize d4rl: D4RL has no reference returns for Pendulum-v1 (only for HalfCheetah, Hopper and Walker2d); give two returns as --normalize RANDOM,EXPERT or two datasets as --normalize RANDOM_DATASET,EXPERT_DATASET\n"),
            (compareArguments("sac", seeds: 1, out: out, extra: ["--normalize", "0,x.hdf5"]), "--normalize '0,x.hdf5' mixes a return and a dataset path"),
        ]
        for (arguments, message) in cases {
            let result = try OffpolicyExecutable.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing was created")
    }
}
