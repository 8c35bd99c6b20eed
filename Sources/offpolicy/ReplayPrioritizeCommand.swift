import ArgumentParser
import Foundation
import ReplayStore

struct ReplayPrioritizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prioritize",
        abstract: "Give a store priorities for prioritized replay (every live transition at 1), and optionally apply synthetic priority updates.",
        discussion: """
        A store written before prioritized replay keeps no priorities; a store opened for writing gains them on \
        its first prioritized use, and this command does it explicitly (nothing when it has them). With --rounds N, \
        it then applies N synthetic priority updates of --batch transitions each (`SyntheticPriorityUpdates`: update \
        k sets transition live[((k·B + j)·7919) mod L] to k + j/B), one write transaction each, and after each \
        commit prints and flushes `committed update <k>`: what the kill -9 tests read.
        """)

    @Argument(help: "Store directory.") var store: String
    @Option(help: "Synthetic priority updates to apply.") var rounds: Int = 0
    @Option(help: "Transitions per synthetic update.") var batch: Int = 256
    @OptionGroup var storeOptions: ReplayStoreOptions

    func validate() throws {
        guard rounds >= 0 else { throw ValidationError("--rounds must be 0 or more") }
        guard (1...StoreLimits.maximumBatchSize).contains(batch) else { throw ValidationError("--batch must lie in 1...\(StoreLimits.maximumBatchSize)") }
    }

    func run() throws {
        try withCleanErrors {
            let replay = try ReplayStore.open(at: store, options: try storeOptions.storeOptions())
            let had = try replay.keepsPriorities()
            try replay.addPriorities()
            let stored = try replay.storedPriorities() ?? [:]
            print("priorities: \(stored.count) live transitions, maximum \(try replay.maximumPriority() ?? 1)\(had ? "" : " (added now)")")
            guard rounds > 0 else { return }
            guard !stored.isEmpty else { throw ReplayStoreError.empty(path: store) }
            let updates = SyntheticPriorityUpdates(live: stored.keys.sorted(), batchSize: batch)
            for round in 1...rounds {
                let (indices, priorities) = updates.update(round: round)
                try replay.updatePriorities(indices: indices, priorities: priorities)
                print("committed update \(round)")
                fflush(stdout)
            }
        }
    }
}
