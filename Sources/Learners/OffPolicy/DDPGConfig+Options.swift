/// DDPG's command-line option: its exploration noise.
extension DDPGConfig {
    public static var options: [LearnerOption<DDPGConfig>] {
        [
            .real("--exploration-noise", \.explorationNoise, valueName: "σ", range: .nonNegative,
                  help: "σ of the Gaussian noise added to the policy's actions while collecting, in [−1, 1] action units (0: none, Stable-Baselines3's default; 0.1: RL Zoo's)."),
        ]
    }
}
