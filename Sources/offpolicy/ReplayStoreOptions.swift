import ArgumentParser
import Foundation
import ReplayStore

/// Per-process store options shared by the replay commands.
struct ReplayStoreOptions: ParsableArguments {
    @Option(help: "What a commit survives: powerCutSafe (fsync every commit), powerCutMayUndoLastCommit (MDB_NOMETASYNC), processCrashSafe (MDB_NOSYNC; flushed at exit).")
    var durability: Durability = .powerCutSafe

    @Option(name: .customLong("cache-mb"), help: "Memory for decompressed chunks, in MiB (0 = cache off; at most this machine's memory).")
    var cacheMegabytes: Int = 512

    @Option(help: "Fold the priority log into the per-chunk priority records once it holds this many rows (0: at every priority update).")
    var priorityFoldRows: Int = StoreOptions.defaultPriorityLogFoldRows

    func validate() throws {
        guard cacheMegabytes >= 0 else { throw ValidationError("--cache-mb must be 0 or more") }
        guard priorityFoldRows >= 0 else { throw ValidationError("--priority-fold-rows must be 0 or more") }
    }

    /// The options, after checking `--cache-mb` against the machine's memory (throws `limitExceeded`).
    func storeOptions() throws -> StoreOptions {
        let limit = StoreLimits.maximumCacheBudgetBytes >> 20
        guard cacheMegabytes <= limit else {
            throw ReplayStoreError.limitExceeded(name: "--cache-mb", value: "\(cacheMegabytes)", limit: "\(limit) (this machine's memory in MiB)")
        }
        return StoreOptions(durability: durability, cacheBudgetBytes: cacheMegabytes << 20, priorityLogFoldRows: priorityFoldRows)
    }
}
