import ArgumentParser
import Environments
import Foundation

/// `offpolicy env`: the environments the toolkit provides, and checks against reference recordings.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "List the environments and check them against reference recordings.",
        subcommands: [EnvListCommand.self, EnvCheckCommand.self]
    )
}


struct EnvListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print every registered environment with its spaces and episode limit.")

    func run() throws {
        for id in EnvironmentID.allCases {
            let environment = id.make()
            print("\(id.rawValue)  observation \(environment.observationSpace.dimension)-d [\(format(environment.observationSpace))]  action \(environment.actionSpace.dimension)-d [\(format(environment.actionSpace))]  limit \(id.maxEpisodeSteps) steps")
        }
    }

    private func format(_ space: BoxSpace) -> String {
        zip(space.low, space.high).map { "\($0)…\($1)" }.joined(separator: ", ")
    }
}

struct EnvCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Replay a recorded trajectory through an environment and compare step by step.",
        discussion: """
        The trajectory is a CSV in the golden format (shared/golden/README.md):
        columns episode,t,state,obs,action,reward,terminated,truncated,next_obs,
        vectors space-separated. At every t == 0 the environment's state is set
        from the 'state' column; then each recorded action is stepped, and
        observations, rewards, the internal state and both end flags are
        compared with the recording.

        Relative deviation is |ours - reference| / max(|reference|, 1e-6). The
        command exits with status 1 when a deviation exceeds --tolerance or a
        flag differs, and 0 otherwise.
        """
    )

    @Option(help: "The environment to check.")
    var env: EnvironmentID

    @Option(help: "The recorded trajectory (CSV in the golden format).", completion: .file(extensions: ["csv"]))
    var trajectory: String

    @Option(help: "The largest relative deviation that still counts as a match.")
    var tolerance: Double = TrajectoryCheck.defaultTolerance

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a non-negative number") }
        guard FileManager.default.fileExists(atPath: trajectory) else {
            throw ValidationError("trajectory file '\(trajectory)' does not exist")
        }
    }

    func run() throws {
        let recording = try Trajectory(contentsOf: URL(fileURLWithPath: trajectory))
        let check = try TrajectoryCheck(replaying: recording, through: env.make())
        print("\(env.rawValue) against \(trajectory): \(check.stepCount) steps in \(check.episodeCount) episodes")
        print("largest relative deviation, observation: \(check.observation)")
        print("largest relative deviation, reward:      \(check.reward)")
        print("largest relative deviation, state:       \(check.state)")
        if check.flagMismatches.isEmpty {
            print("end flags: all \(check.stepCount * 2) match")
        } else {
            print("end flags: \(check.flagMismatches.count) mismatch(es)")
            for mismatch in check.flagMismatches.prefix(20) { print("  \(mismatch)") }
            if check.flagMismatches.count > 20 { print("  … and \(check.flagMismatches.count - 20) more") }
        }
        if check.passes(tolerance: tolerance) {
            print("PASS (tolerance \(tolerance))")
        } else {
            print("FAIL (tolerance \(tolerance))")
            throw ExitCode(1)
        }
    }
}
