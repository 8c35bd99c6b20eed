import ArgumentParser
import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#endif

/// `offpolicy-reverb`: the two sides of a distributed run on a Reverb server. `offpolicy actor …` and
/// `offpolicy train … --replay reverb://…` run it with the same arguments.
@main
struct OffPolicyReverb: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "offpolicy-reverb",
        abstract: "Actors and a learner of one off-policy run, sharing a Reverb server (docs/reverb.md).",
        subcommands: [ActorCommand.self, ReverbTrainCommand.self]
    )

    static func main() {
        setvbuf(stdout, nil, _IOLBF, 0)
        ParentLifetime.bindToParent()
        main(nil)
    }
}
