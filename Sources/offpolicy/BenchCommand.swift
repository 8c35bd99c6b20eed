import ArgumentParser

// Scaffolding: replaced by the real 'bench' command.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "(not yet built)")
    func run() throws { throw ValidationError("'bench' is not built yet") }
}
