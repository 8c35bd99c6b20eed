import ArgumentParser

// Scaffolding: replaced by the real 'train' command.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "(not yet built)")
    func run() throws { throw ValidationError("'train' is not built yet") }
}
