import Environments
import Learners
import Randomness
import Transitions

/// Evaluation: by default the policy's deterministic action (SAC's mean, TD3/DDPG without noise) on an
/// environment of its own, whose initial states come from `seed` alone, so every evaluation of a run
/// starts its episodes from the same states. Off-policy evaluation's Monte-Carlo truth uses the two
/// settings: π's sampled actions (`deterministic: false`) and a discount γ < 1.
public enum Evaluation {
    /// The seed of the evaluation environment of a run seeded with `seed`.
    public static func environmentSeed(forRunSeed seed: UInt64) -> UInt64 { seed &+ 1_000_003 }

    /// Runs `episodes` episodes of `learner` on `environment` (a copy of it, for a value type), reset with
    /// `seed` first. Each episode's return is Σ_t γ^t r_t with γ = `discount` (1: the plain sum). With
    /// `deterministic: false`, actions are sampled from π with a generator seeded by `seed`. Throws what the environment throws (a bridged one whose process failed, or whose call
    /// was abandoned on a stop request: `Interruption`). With `stopsOnRequest`, a stop request
    /// (`StopRequest`) also ends it between steps, with `Interruption`.
    public static func run(_ learner: any Learner, on environment: any Environment, episodes: Int, seed: UInt64,
                           discount: Double = 1, deterministic: Bool = true,
                           stopsOnRequest: Bool = false) throws -> EvaluationResult {
        var environment = environment
        // Deterministic actions draw nothing; sampled ones draw from this generator only.
        var generator = SeededGenerator(seed: seed, stream: 7)
        var returns: [Double] = []
        returns.reserveCapacity(episodes)
        var observation = try environment.checkedReset(seed: seed)
        for _ in 0..<episodes {
            var total = 0.0
            var weight = 1.0
            while true {
                if stopsOnRequest { try StopRequest.check() }
                let chosen = learner.act(on: observation, deterministic: deterministic, using: &generator)
                let result = try environment.checkedStep(chosen.action)
                total += weight * result.reward
                weight *= discount
                observation = result.observation
                if result.isEpisodeOver { break }
            }
            returns.append(total)
            observation = try environment.checkedReset()
        }
        return EvaluationResult(returns: returns)
    }
}
