import ArgumentParser

/// `offpolicy dataset ...`: D4RL and Minari datasets in and out of replay stores.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Import D4RL and Minari datasets into replay stores, export them, and summarise them.",
        subcommands: [DatasetImportCommand.self, DatasetExportCommand.self, DatasetInfoCommand.self, DatasetBenchCommand.self]
    )
}
