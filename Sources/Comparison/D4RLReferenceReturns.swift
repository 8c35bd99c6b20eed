/// The reference returns D4RL normalises its MuJoCo locomotion scores by: the average return of a
/// uniformly random policy (score 0) and of an expert, SAC trained to convergence (score 100).
///
/// The numbers are `REF_MIN_SCORE` and `REF_MAX_SCORE` of `d4rl/infos.py` in D4RL
/// (github.com/Farama-Foundation/D4RL, the version at commit 0ace16de), the same for every dataset of
/// a task (`hopper-random-v0` to `hopper-medium-expert-v2`). D4RL measured them on the Gym `-v2`
/// environments; they are used here for any version (`gym:Hopper-v5` included), as offline RL papers
/// on Gymnasium do.
public enum D4RLReferenceReturns {
    /// One task's pair of reference returns.
    public struct Task: Equatable, Sendable {
        /// D4RL's name of the task ("hopper").
        public var name: String
        /// The Gymnasium environment name without its version ("Hopper").
        public var environment: String
        public var randomReturn: Double
        public var expertReturn: Double
    }

    /// HalfCheetah, Hopper and Walker2d (D4RL's Ant returns are left out: Gymnasium's Ant-v4 and later
    /// count contact forces differently from the Ant-v2 they were measured on).
    public static let tasks: [Task] = [
        Task(name: "halfcheetah", environment: "HalfCheetah", randomReturn: -280.178953, expertReturn: 12135.0),
        Task(name: "hopper", environment: "Hopper", randomReturn: -20.272305, expertReturn: 3234.3),
        Task(name: "walker2d", environment: "Walker2d", randomReturn: 1.629008, expertReturn: 4592.3),
    ]

    /// The task of an environment id: `gym:Hopper-v5`, `Hopper-v4` or `gym:some.module:Hopper-v5` give
    /// hopper (any version, the name as Gymnasium spells it); nil for any other environment.
    public static func task(forEnvironment environment: String) -> Task? {
        let id = environment.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? environment
        guard let dash = id.range(of: "-v", options: .backwards) else { return nil }
        let version = id[dash.upperBound...]
        guard !version.isEmpty, version.allSatisfy(\.isASCII), version.allSatisfy(\.isNumber) else { return nil }
        let name = id[..<dash.lowerBound]
        return tasks.first { $0.environment == name }
    }
}
