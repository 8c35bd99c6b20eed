import ArgumentParser

// Scaffolding: replaced by the real 'replay' command.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "(not yet built)")
    func run() throws { throw ValidationError("'replay' is not built yet") }
}
