import ArgumentParser
import Foundation
import ReplayStore

struct ReplayVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk every B-tree page, decode every chunk and check checksums, sizes and bookkeeping against the schema.",
        discussion: """
        Exits 0 only if everything holds; otherwise exits 1 and names the first problem. The store is opened \
        read-only and read in a child process: a damaged B-tree page that makes LMDB abort or crash is \
        reported as "B-tree damaged (…)" with the child's last message.
        """)

    @Argument(help: "Store directory.") var store: String
    @Option(help: "Also check that every transition equals what `replay fill --seed S` wrote at its index.")
    var syntheticSeed: UInt64?
    @Flag(name: .customLong("in-process"), help: .hidden) var inProcess = false

    func run() throws {
        guard inProcess else {
            try ReplayChildProcess.run(subcommand: "verify", failurePrefix: "verify FAILED: ")
            return
        }
        let report = try withCleanErrors(failurePrefix: "verify FAILED: ") { () -> VerificationReport in
            let replay = try openForReading(store, cacheBudgetBytes: 0)
            let expected = syntheticSeed.map {
                SyntheticTransitions(seed: $0, observationSize: replay.schema.observationSize, actionSize: replay.schema.actionSize)
            }
            var lastReport = ContinuousClock.now
            return try replay.verify(expected: expected) { done, total in
                if ContinuousClock.now - lastReport > .seconds(1) {
                    printError("verify: \(done)/\(total) chunks")
                    lastReport = .now
                }
            }
        }
        if let problem = report.firstProblem {
            printError("verify FAILED: \(problem)")
            throw ExitCode(1)
        }
        let what = syntheticSeed.map { " and match the synthetic stream with seed \($0)" } ?? ""
        print("verify ok: \(report.chunksChecked) chunks, \(report.transitionsChecked) transitions decode, pass their checksums\(what)")
    }
}
