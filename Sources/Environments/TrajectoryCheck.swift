import Foundation

/// The result of replaying a recorded trajectory through one of our environments: the largest
/// relative deviations and every end-flag mismatch.
///
/// Relative deviation of a value `ours` from a reference `theirs` is
/// `|ours − theirs| / max(|theirs|, floor)`, with `floor` = 1e-6 so that values that are
/// essentially zero (a velocity crossing zero) are compared absolutely at that scale instead of
/// dividing by nothing.
public struct TrajectoryCheck: Sendable {
    /// Where a largest deviation happened.
    public struct Deviation: Sendable, CustomStringConvertible {
        public var value: Double = 0
        /// Index of the step in the file (0-based data row), and its episode and t.
        public var row = 0, episode = 0, t = 0
        public var ours: Double = 0, theirs: Double = 0

        public var description: String {
            if value == 0 { return "0 (identical on every step)" }
            return String(format: "%.3e", value) + " (episode \(episode), t \(t): ours \(ours), reference \(theirs))"
        }
    }

    public struct FlagMismatch: Sendable, CustomStringConvertible {
        public var row: Int, episode: Int, t: Int
        public var flag: String
        public var ours: Bool, theirs: Bool
        public var description: String { "episode \(episode), t \(t): \(flag) ours \(ours ? 1 : 0), reference \(theirs ? 1 : 0)" }
    }

    public struct InputError: Error, CustomStringConvertible {
        public var description: String
    }

    public static let relativeFloor = 1e-6
    /// The tolerance the issue sets for a match.
    public static let defaultTolerance = 1e-5

    public var stepCount = 0
    public var episodeCount = 0
    public var observation = Deviation()
    public var reward = Deviation()
    /// The internal state at each step after the first of an episode against the `state` column.
    public var state = Deviation()
    public var flagMismatches: [FlagMismatch] = []

    public static func relativeDeviation(_ ours: Double, _ theirs: Double) -> Double {
        if ours == theirs { return 0 }
        if ours.isNaN || theirs.isNaN { return .infinity }
        return abs(ours - theirs) / max(abs(theirs), relativeFloor)
    }

    /// Whether every deviation is within `tolerance` and no flag differs.
    public func passes(tolerance: Double = defaultTolerance) -> Bool {
        flagMismatches.isEmpty && observation.value <= tolerance && reward.value <= tolerance && state.value <= tolerance
    }

    /// Replays `trajectory` through `environment`: the state is set from the `state` column at
    /// every `t == 0`, then each recorded action is stepped and compared.
    public init(replaying trajectory: Trajectory, through environment: any Environment) throws {
        var environment = environment
        let observationSize = environment.observationSpace.dimension
        let actionSize = environment.actionSpace.dimension
        var episodeOpen = false
        for (row, step) in trajectory.steps.enumerated() {
            guard step.action.count == actionSize else {
                throw InputError(description: "row \(row + 1) (episode \(step.episode), t \(step.t)): action has \(step.action.count) values, the environment takes \(actionSize)")
            }
            guard step.nextObservation.count == observationSize else {
                throw InputError(description: "row \(row + 1) (episode \(step.episode), t \(step.t)): next_obs has \(step.nextObservation.count) values, the environment observes \(observationSize)")
            }
            guard step.state.count == environment.state.count else {
                throw InputError(description: "row \(row + 1) (episode \(step.episode), t \(step.t)): state has \(step.state.count) values, the environment holds \(environment.state.count)")
            }
            func note(_ deviation: inout Deviation, _ ours: Double, _ theirs: Double) {
                let value = Self.relativeDeviation(ours, theirs)
                if value > deviation.value || (value.isNaN && !deviation.value.isNaN) {
                    deviation = Deviation(value: value, row: row, episode: step.episode, t: step.t, ours: ours, theirs: theirs)
                }
            }
            if step.t == 0 {
                _ = environment.reset(seed: nil)
                environment.state = step.state
                episodeCount += 1
            } else {
                guard episodeOpen else {
                    throw InputError(description: "row \(row + 1): episode \(step.episode) continues at t \(step.t) after its end or without a t == 0 row")
                }
                for (ours, theirs) in zip(environment.state, step.state) { note(&state, ours, theirs) }
            }
            let result = environment.step(step.action)
            for (ours, theirs) in zip(result.observation, step.nextObservation) { note(&observation, Double(ours), theirs) }
            note(&reward, result.reward, step.reward)
            if result.terminated != step.terminated {
                flagMismatches.append(FlagMismatch(row: row, episode: step.episode, t: step.t, flag: "terminated", ours: result.terminated, theirs: step.terminated))
            }
            if result.truncated != step.truncated {
                flagMismatches.append(FlagMismatch(row: row, episode: step.episode, t: step.t, flag: "truncated", ours: result.truncated, theirs: step.truncated))
            }
            episodeOpen = !(step.terminated || step.truncated)
            stepCount += 1
        }
    }
}
