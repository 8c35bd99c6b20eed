/// The registry: every task the toolkit can build, by its Gymnasium id (`--env Pendulum-v1`).
public enum EnvironmentID: String, Codable, CaseIterable, Sendable {
    case pendulum = "Pendulum-v1"
    case mountainCarContinuous = "MountainCarContinuous-v0"

    /// Gymnasium's registered episode limit for the task.
    public var maxEpisodeSteps: Int {
        switch self {
        case .pendulum: return 200
        case .mountainCarContinuous: return 999
        }
    }

    /// Gymnasium's registry entry point of the id (`gymnasium.spec(id).entry_point` in Gymnasium 1.4), which
    /// `gymnasium.make` (and Minari's `recover_environment`) loads the task from.
    public var entryPoint: String {
        switch self {
        case .pendulum: return "gymnasium.envs.classic_control.pendulum:PendulumEnv"
        case .mountainCarContinuous: return "gymnasium.envs.classic_control.continuous_mountain_car:Continuous_MountainCarEnv"
        }
    }

    /// The task as Gymnasium's `make` builds it: wrapped in its `TimeLimit`.
    public func make(seed: UInt64 = 0) -> any Environment {
        switch self {
        case .pendulum:
            return TimeLimit(Pendulum(seed: seed), maxEpisodeSteps: maxEpisodeSteps)
        case .mountainCarContinuous:
            return TimeLimit(MountainCarContinuous(seed: seed), maxEpisodeSteps: maxEpisodeSteps)
        }
    }
}
