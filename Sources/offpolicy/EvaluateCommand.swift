import ArgumentParser

// Scaffolding: replaced by the real 'evaluate' command.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate", abstract: "(not yet built)")
    func run() throws { throw ValidationError("'evaluate' is not built yet") }
}
