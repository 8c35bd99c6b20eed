import ArgumentParser

@main
struct OffPolicy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offpolicy",
        abstract: "Off-policy actor-critic reinforcement learning with an LMDB + zstd replay store.",
        subcommands: [
            ReplayCommand.self,
            EnvCommand.self,
            TrainCommand.self,
            CollectCommand.self,
            EvaluateCommand.self,
            BenchCommand.self,
            DatasetCommand.self,
            CompareCommand.self,
            PlotCommand.self,
        ]
    )
}
