import ArgumentParser

/// `offpolicy replay ...`: create, fill, verify, inspect, sample and benchmark replay stores.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Create, fill, verify, inspect, sample, prioritize and benchmark LMDB + zstd replay stores.",
        subcommands: [
            ReplayCreateCommand.self, ReplayFillCommand.self, ReplayVerifyCommand.self,
            ReplayInfoCommand.self, ReplaySampleCommand.self, ReplayBenchCommand.self, ReplayPrioritizeCommand.self,
        ]
    )
}
