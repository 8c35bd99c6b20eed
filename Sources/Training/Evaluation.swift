import Environments
import Randomness
import Transitions

/// Deterministic evaluation: the policy's deterministic action (SAC's mean, TD3/DDPG without
/// noise) on an environment of its own, whose initial states come from `seed` alone, so every
/// evaluation of a run starts its episodes from the same states.
public enum Evaluation {
    /// The seed of the evaluation environment of a run seeded with `seed`.
    public static func environmentSeed(forRunSeed seed: UInt64) -> UInt64 { seed &+ 1_000_003 }

    /// Runs `episodes` episodes of `learner` on a copy of `environment`, reset with `seed` first.
    public static func run(_ learner: any Learner, on environment: any Environment, episodes: Int, seed: UInt64) -> EvaluationResult {
        var environment = environment
        // Deterministic actions draw nothing; the generator only satisfies the protocol.
        var generator = SeededGenerator(seed: seed, stream: 7)
        var returns: [Double] = []
        returns.reserveCapacity(episodes)
        var observation = environment.reset(seed: seed)
        for _ in 0..<episodes {
            var total = 0.0
            while true {
                let chosen = learner.act(on: observation, deterministic: true, using: &generator)
                let result = environment.step(chosen.action)
                total += result.reward
                observation = result.observation
                if result.isEpisodeOver { break }
            }
            returns.append(total)
            observation = environment.reset()
        }
        return EvaluationResult(returns: returns)
    }
}
