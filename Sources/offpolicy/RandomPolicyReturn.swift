import ArgumentParser
import Environments
import Randomness
import TrainingRuns

/// The mean return of a uniformly random policy on an environment: the score-0 reference of a task
/// in `compare` that has neither D4RL's returns nor `--reference`.
enum RandomPolicyReturn {
    /// At most this many steps in all, so that an environment without a time limit cannot hang compare.
    static let stepLimit = 1_000_000

    /// The mean undiscounted return of `episodes` episodes of actions drawn uniformly from the action
    /// box (stream 11 of `seed`, as `Rollout`'s uniform actor), the environment reset with `seed` first.
    static func measure(environment name: String, episodes: Int, seed: UInt64) throws -> Double {
        var environment = try TrainingRun.makeEnvironment(named: name)
        var generator = SeededGenerator(seed: seed, stream: 11)
        let space = environment.actionSpace
        _ = try environment.checkedReset(seed: seed)
        var returns: [Double] = []
        var current = 0.0
        var steps = 0
        while returns.count < episodes {
            guard steps < stepLimit else {
                throw ValidationError("a random policy on \(name) did not finish \(episodes) episodes within \(stepLimit) steps; give --reference \(name)=MIN:MAX")
            }
            let action = (0..<space.dimension).map { generator.nextFloat(in: space.low[$0], space.high[$0]) }
            let result = try environment.checkedStep(action)
            current += result.reward
            steps += 1
            if result.isEpisodeOver {
                returns.append(current)
                current = 0
                _ = try environment.checkedReset()
            }
        }
        return returns.reduce(0, +) / Double(returns.count)
    }
}
