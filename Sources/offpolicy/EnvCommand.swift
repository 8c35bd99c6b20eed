import ArgumentParser

// Scaffolding: replaced by the real 'env' command.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "env", abstract: "(not yet built)")
    func run() throws { throw ValidationError("'env' is not built yet") }
}
