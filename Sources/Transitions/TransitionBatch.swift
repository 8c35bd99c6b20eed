/// A batch of transitions in struct-of-arrays form.
///
/// This is the one type that moves transitions in and out of the store: `append` takes one
/// and `sample` fills one. Float columns are contiguous and row-major, so a learner can hand
/// `observations` straight to BLAS as a `count × observationSize` matrix.
///
/// The columns are read-only outside this module. Rows enter only through `append`, which checks
/// their sizes, so every column always has exactly `count` rows of its width; a sampler overwrites
/// rows in place through `withUnsafeMutableColumns`, which cannot change a length.
public struct TransitionBatch: Sendable {
    public let observationSize: Int
    public let actionSize: Int
    /// Number of transitions held.
    public internal(set) var count: Int

    /// `count × observationSize`, row-major.
    public internal(set) var observations: [Float]
    /// `count × actionSize`, row-major.
    public internal(set) var actions: [Float]
    public internal(set) var rewards: [Float]
    /// `count × observationSize`, row-major. For a truncated transition this is the true final
    /// observation, so a learner can bootstrap from it.
    public internal(set) var nextObservations: [Float]
    /// The episode ended in a terminal state: do not bootstrap.
    public internal(set) var terminated: [Bool]
    /// The episode was cut by a time limit: keep bootstrapping.
    public internal(set) var truncated: [Bool]
    /// log μ(a|s) of the behavior policy that chose the action, in environment units; NaN when unknown.
    public internal(set) var behaviorLogProbabilities: [Float]
    public internal(set) var episodeIDs: [UInt64]
    /// Index of the transition within its episode (0 for the first step).
    public internal(set) var stepIndices: [UInt32]
    public internal(set) var sources: [TransitionSource]

    /// An empty batch with room reserved for `capacity` transitions.
    public init(observationSize: Int, actionSize: Int, reservingCapacity capacity: Int = 0) {
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.count = 0
        observations = []; observations.reserveCapacity(capacity * observationSize)
        actions = []; actions.reserveCapacity(capacity * actionSize)
        rewards = []; rewards.reserveCapacity(capacity)
        nextObservations = []; nextObservations.reserveCapacity(capacity * observationSize)
        terminated = []; terminated.reserveCapacity(capacity)
        truncated = []; truncated.reserveCapacity(capacity)
        behaviorLogProbabilities = []; behaviorLogProbabilities.reserveCapacity(capacity)
        episodeIDs = []; episodeIDs.reserveCapacity(capacity)
        stepIndices = []; stepIndices.reserveCapacity(capacity)
        sources = []; sources.reserveCapacity(capacity)
    }

    /// A batch of exactly `count` zeroed transitions, for samplers that overwrite rows in place.
    public init(observationSize: Int, actionSize: Int, zeroedCount count: Int) {
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.count = count
        observations = [Float](repeating: 0, count: count * observationSize)
        actions = [Float](repeating: 0, count: count * actionSize)
        rewards = [Float](repeating: 0, count: count)
        nextObservations = [Float](repeating: 0, count: count * observationSize)
        terminated = [Bool](repeating: false, count: count)
        truncated = [Bool](repeating: false, count: count)
        behaviorLogProbabilities = [Float](repeating: .nan, count: count)
        episodeIDs = [UInt64](repeating: 0, count: count)
        stepIndices = [UInt32](repeating: 0, count: count)
        sources = [TransitionSource](repeating: .online, count: count)
    }

    /// Appends one transition. `observation` and `nextObservation` must have `observationSize`
    /// elements and `action` `actionSize` (a precondition); the store checks finiteness when the batch is appended.
    public mutating func append(
        observation: [Float], action: [Float], reward: Float, nextObservation: [Float],
        terminated: Bool, truncated: Bool, behaviorLogProbability: Float = .nan,
        episodeID: UInt64, stepIndex: UInt32, source: TransitionSource = .online
    ) {
        precondition(observation.count == observationSize && nextObservation.count == observationSize,
                     "a transition of this batch has \(observationSize) observation values, got \(observation.count) and \(nextObservation.count)")
        precondition(action.count == actionSize, "a transition of this batch has \(actionSize) action values, got \(action.count)")
        observations.append(contentsOf: observation)
        actions.append(contentsOf: action)
        rewards.append(reward)
        nextObservations.append(contentsOf: nextObservation)
        self.terminated.append(terminated)
        self.truncated.append(truncated)
        behaviorLogProbabilities.append(behaviorLogProbability)
        episodeIDs.append(episodeID)
        stepIndices.append(stepIndex)
        sources.append(source)
        count += 1
    }

    /// Removes every transition, keeping the reserved memory.
    public mutating func removeAll() {
        observations.removeAll(keepingCapacity: true)
        actions.removeAll(keepingCapacity: true)
        rewards.removeAll(keepingCapacity: true)
        nextObservations.removeAll(keepingCapacity: true)
        terminated.removeAll(keepingCapacity: true)
        truncated.removeAll(keepingCapacity: true)
        behaviorLogProbabilities.removeAll(keepingCapacity: true)
        episodeIDs.removeAll(keepingCapacity: true)
        stepIndices.removeAll(keepingCapacity: true)
        sources.removeAll(keepingCapacity: true)
        count = 0
    }
}

extension TransitionBatch: Equatable {
    /// Bit-exact equality: two NaN log-probabilities with the same bits compare equal,
    /// so a round trip through the store can be checked with `==`.
    public static func == (lhs: TransitionBatch, rhs: TransitionBatch) -> Bool {
        func same(_ a: [Float], _ b: [Float]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
        }
        return lhs.observationSize == rhs.observationSize && lhs.actionSize == rhs.actionSize
            && lhs.count == rhs.count
            && same(lhs.observations, rhs.observations) && same(lhs.actions, rhs.actions)
            && same(lhs.rewards, rhs.rewards) && same(lhs.nextObservations, rhs.nextObservations)
            && lhs.terminated == rhs.terminated && lhs.truncated == rhs.truncated
            && same(lhs.behaviorLogProbabilities, rhs.behaviorLogProbabilities)
            && lhs.episodeIDs == rhs.episodeIDs && lhs.stepIndices == rhs.stepIndices
            && lhs.sources == rhs.sources
    }
}
