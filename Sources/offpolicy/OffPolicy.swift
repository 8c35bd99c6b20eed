import ArgumentParser
import RunFiles
#if canImport(Glibc)
import Glibc
#endif

@main
struct OffPolicy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offpolicy",
        abstract: "Off-policy actor-critic reinforcement learning with an LMDB + zstd replay store.",
        subcommands: [
            ReplayCommand.self,
            EnvCommand.self,
            TrainCommand.self,
            ActorCommand.self,
            CollectCommand.self,
            EvaluateCommand.self,
            OPECommand.self,
            BenchCommand.self,
            DatasetCommand.self,
            CompareCommand.self,
            PlotCommand.self,
        ]
    )

    /// Hands `actor` and `train … --replay reverb://…` to `offpolicy-reverb` (`ReverbForwarding`). Binds a child `offpolicy` (a compare run, the replay reader) to the process that started it
    /// (`ParentLifetime`), then runs the command line. Standard output is line-buffered even into a file or
    /// pipe, so a log written under nohup or a batch system shows each line (a run's first line and its
    /// notes) when it is printed, not at the end.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if ReverbForwarding.isForwarded(arguments) { ReverbForwarding.forward(arguments) }
        setvbuf(stdout, nil, _IOLBF, 0)
        ParentLifetime.bindToParent()
        main(nil)
    }
}
