import ArgumentParser
import Environments
import Foundation
import GymBridge

/// `offpolicy env`: the environments the toolkit provides, and checks against reference recordings.
struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env",
        abstract: "List the environments, check them against reference recordings, and time their steps.",
        subcommands: [EnvListCommand.self, EnvCheckCommand.self, EnvBenchCommand.self]
    )
}


struct EnvListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Print every built-in environment (or the ones named) with its spaces and episode limit.",
        discussion: """
        Any Gymnasium environment with Box spaces is also available as gym:ID; name
        it with --env to start it in Python and print its spaces, for example
          offpolicy env list --env gym:HalfCheetah-v5 --env gym:LunarLanderContinuous-v3
        """)

    @Option(help: "Describe this environment instead (repeatable): \(EnvironmentName.accepted).")
    var env: [EnvironmentName] = []

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func run() throws {
        try Interruptible.run { try list() }
    }

    private func list() throws {
        let names = env.isEmpty ? EnvironmentID.allCases.map { EnvironmentName.builtIn($0) } : env
        for name in names {
            let line: String
            switch name {
            case .builtIn(let id):
                line = describe(id.make(), limit: id.maxEpisodeSteps)
            case .gym(let id):
                let environment = try GymEnvironment(id: id, callTimeout: environmentTimeout.seconds)
                line = describe(environment, limit: environment.maxEpisodeSteps)
                    + "  (Gymnasium \(environment.gymnasiumVersion), Python \(environment.pythonVersion))"
            }
            print("\(name)  " + line)
        }
        if env.isEmpty { print("gym:ID  any Gymnasium environment with Box spaces, run in Python (offpolicy env list --env gym:ID shows its spaces)") }
    }

    private func describe(_ environment: any Environment, limit: Int?) -> String {
        "observation \(environment.observationSpace.dimension)-d [\(format(environment.observationSpace))]  action \(environment.actionSpace.dimension)-d [\(format(environment.actionSpace))]  "
            + (limit.map { "limit \($0) steps" } ?? "no time limit")
    }

    private func format(_ space: BoxSpace) -> String {
        let pairs = zip(space.low, space.high).map { "\($0)…\($1)" }
        return pairs.count <= 12 ? pairs.joined(separator: ", ") : pairs.prefix(6).joined(separator: ", ") + ", … (\(pairs.count - 6) more)"
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

        A gym:ID environment is checked through the Python bridge; it needs a
        state in env.unwrapped.state (the classic-control tasks have one), e.g.
          offpolicy env check --env gym:Pendulum-v1 --trajectory pendulum-golden.csv
        """
    )

    @Option(help: "The environment to check: \(EnvironmentName.accepted).")
    var env: EnvironmentName

    @Option(help: "The recorded trajectory (CSV in the golden format).", completion: .file(extensions: ["csv"]))
    var trajectory: String

    @Option(help: "The largest relative deviation that still counts as a match.")
    var tolerance: Double = TrajectoryCheck.defaultTolerance

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func validate() throws {
        guard tolerance >= 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a non-negative number") }
        guard FileManager.default.fileExists(atPath: trajectory) else {
            throw ValidationError("trajectory file '\(trajectory)' does not exist")
        }
    }

    func run() throws {
        try Interruptible.run { try check() }
    }

    private func check() throws {
        let recording = try Trajectory(contentsOf: URL(fileURLWithPath: trajectory))
        let environment: any Environment
        switch env {
        case .builtIn(let id):
            environment = id.make()
        case .gym(let id):
            let bridged = try GymEnvironment(id: id, callTimeout: environmentTimeout.seconds)
            _ = try bridged.checkedReset(seed: 0)
            _ = try bridged.readState()  // an environment without env.unwrapped.state fails here, with Python's message
            environment = bridged
        }
        let check = try TrajectoryCheck(replaying: recording, through: environment)
        print("\(env) against \(trajectory): \(check.stepCount) steps in \(check.episodeCount) episodes")
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
