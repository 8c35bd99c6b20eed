/// The return a comparison counts as solving a task, when `--threshold` is not given.
public enum DefaultThreshold {
    /// Pendulum-v1: −200, the level the PPO target and RL Zoo's tuned runs are judged by
    /// (Gymnasium registers no reward threshold for it). MountainCarContinuous-v0: 90, Gymnasium's
    /// registered `reward_threshold`.
    public static let byEnvironment: [String: Double] = [
        "Pendulum-v1": -200,
        "MountainCarContinuous-v0": 90,
    ]

    public static func threshold(for environment: String) -> Double? { byEnvironment[environment] }
}
