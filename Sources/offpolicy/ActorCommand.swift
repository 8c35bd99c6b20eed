import ArgumentParser

/// `offpolicy actor`: listed here for `offpolicy --help`; `OffPolicy.main` hands its arguments to `offpolicy-reverb` before parsing.
struct ActorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actor",
        abstract: "Act in environment copies with the newest policy on a Reverb server and insert the transitions (runs offpolicy-reverb; docs/reverb.md).",
        discussion: "Build offpolicy-reverb with `\(ReverbForwarding.buildAdvice)`; `offpolicy actor --help` then shows its options."
    )

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() throws {
        ReverbForwarding.forward(["actor"] + arguments)
    }
}
