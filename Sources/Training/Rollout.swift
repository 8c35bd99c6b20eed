import Environments
import Foundation
import Learners
import Randomness
import Transitions

/// Rolling out a policy to record a dataset (`offpolicy collect`): every step's transition with the
/// log-density of the executed action under the policy that acted (environment units, tanh and scale
/// Jacobians included; NaN where the policy has no density, as a deterministic one).
public enum Rollout {
    /// Who acts: a learner's policy (sampled, or its deterministic action), or uniform random actions.
    public enum Actor {
        case learner(any Learner, deterministic: Bool)
        /// Uniform in the action box; log-density −Σ log(high − low).
        case uniform
    }

    /// `steps` transitions of `actor` on `environment` (reset with `seed` first, then continuing its
    /// stream), episodes numbered from 0. The actions are clipped to the box before they are stored, so
    /// the stored action is the executed one. With `stopsOnRequest`, a stop request (`StopRequest`) ends it
    /// between steps with `Interruption`.
    public static func collect(_ actor: Actor, on environment: any Environment, steps: Int, seed: UInt64,
                               stopsOnRequest: Bool = false, progress: ((Int) -> Void)? = nil) throws -> TransitionBatch {
        var environment = environment
        var generator = SeededGenerator(seed: seed, stream: 11)
        let space = environment.actionSpace
        let uniformLogDensity = Float(-zip(space.low, space.high).reduce(0.0) { $0 + log(Double($1.1) - Double($1.0)) })
        var batch = TransitionBatch(observationSize: environment.observationSpace.dimension, actionSize: space.dimension,
                                    reservingCapacity: steps)
        var observation = try environment.checkedReset(seed: seed)
        var episode: UInt64 = 0, stepIndex: UInt32 = 0
        for step in 0..<steps {
            if stopsOnRequest { try StopRequest.check() }
            var action: [Float], logProbability: Float
            switch actor {
            case .learner(let learner, let deterministic):
                let chosen = learner.act(on: observation, deterministic: deterministic, using: &generator)
                (action, logProbability) = (chosen.action, chosen.logProbability)
                if !space.contains(action) {
                    action = space.clip(action)
                    logProbability = .nan  // a clipped action has probability mass, not a density
                }
            case .uniform:
                action = (0..<space.dimension).map { generator.nextFloat(in: space.low[$0], space.high[$0]) }
                logProbability = uniformLogDensity
            }
            let result = try environment.checkedStep(action)
            batch.append(observation: observation, action: action, reward: Float(result.reward), nextObservation: result.observation,
                         terminated: result.terminated, truncated: result.truncated, behaviorLogProbability: logProbability,
                         episodeID: episode, stepIndex: stepIndex, source: .dataset)
            if result.isEpisodeOver {
                observation = try environment.checkedReset()
                episode += 1
                stepIndex = 0
            } else {
                observation = result.observation
                stepIndex += 1
            }
            progress?(step + 1)
        }
        return batch
    }
}
