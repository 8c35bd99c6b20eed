import ArgumentParser
import GymBridge

/// `--env-timeout SECONDS`: how long a bridged (`gym:`) environment's start, reset or step may take before
/// its Python process is killed and the command stops with a message naming the call and the step.
struct EnvironmentTimeoutOption: ParsableArguments {
    @Option(name: .customLong("env-timeout"), parsing: .unconditional,
            help: ArgumentHelp("Seconds a gym: environment's start, reset or step may take before its Python process is killed. Default: \(Int(GymEnvironment.defaultCallTimeout)).",
                               valueName: "seconds"))
    var seconds: Double = GymEnvironment.defaultCallTimeout

    /// The most a timeout may be: a week.
    static let limit = 604_800.0

    func validate() throws {
        guard seconds > 0, seconds <= Self.limit else {
            throw ValidationError("--env-timeout must be a number of seconds in (0, \(Int(Self.limit))], got \(seconds)")
        }
    }
}
