import ArgumentParser
import RunFiles

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

    /// Binds a child `offpolicy` (a compare run, the replay reader) to the process that started it
    /// (`ParentLifetime`), then runs the command line.
    static func main() {
        ParentLifetime.bindToParent()
        main(nil)
    }
}
