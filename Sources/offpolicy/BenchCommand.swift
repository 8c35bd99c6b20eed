import ArgumentParser

/// `offpolicy bench …`: commands that measure speed and print numbers.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of the learners' updates against the machine's sgemm peak.",
        subcommands: [BenchUpdateCommand.self]
    )
}
