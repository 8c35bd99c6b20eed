import Foundation
import Transitions

/// A deterministic stream of transitions for filling, verifying and benchmarking stores:
/// transition `i` is a pure function of the seed and `i`.
///
/// Episodes have varied lengths (1 to 300 steps) and end either terminated or truncated; the next
/// observation of each step equals the following step's observation, as in a real environment, and
/// a truncated episode keeps its final observation. Observations are smooth trajectories plus noise,
/// so they compress like logged sensor data rather than like random bits. Every seventh episode comes
/// from a `dataset`, and every fifth has an unknown (NaN) behavior log-probability.
public struct SyntheticTransitions: Sendable {
    public let seed: UInt64
    public let observationSize: Int
    public let actionSize: Int
    /// `episodeStarts[e]` is the global index of episode e's first transition; extended on demand.
    private var episodeStarts: [Int] = [0]

    public init(seed: UInt64, observationSize: Int = 17, actionSize: Int = 6) {
        self.seed = seed
        self.observationSize = observationSize
        self.actionSize = actionSize
    }

    /// Transitions `range` as one batch.
    public mutating func batch(_ range: Range<Int>) -> TransitionBatch {
        var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: range.count)
        for index in range { append(index, to: &batch) }
        return batch
    }

    /// Appends transition `index` to `batch`.
    public mutating func append(_ index: Int, to batch: inout TransitionBatch) {
        let (episode, step) = locate(index)
        let length = episodeLength(episode)
        let isLast = step == length - 1
        let terminates = mix(UInt64(episode), 0x7E12) & 1 == 0
        let observation = observationAt(episode: episode, step: step)
        let next = observationAt(episode: episode, step: step + 1)
        var action = [Float](repeating: 0, count: actionSize)
        for k in 0..<actionSize { action[k] = unit(mix(UInt64(index), UInt64(1000 + k))) * 2 - 1 }
        var reward: Float = 0
        for value in observation { reward -= 0.1 * value * value }
        for value in action { reward -= 0.001 * value * value }
        var logProbability: Float = .nan
        if episode % 5 != 0 {
            logProbability = -0.9189385 * Float(actionSize)
            for value in action { logProbability -= 0.5 * value * value }
        }
        batch.append(observation: observation, action: action, reward: reward, nextObservation: next,
                     terminated: isLast && terminates, truncated: isLast && !terminates,
                     behaviorLogProbability: logProbability,
                     episodeID: seed &* 1_000_003 &+ UInt64(episode), stepIndex: UInt32(step),
                     source: episode % 7 == 3 ? .dataset : .online)
    }

    /// The global index of the transition with this episode id and step, or nil when the stream has none.
    public mutating func index(episodeID: UInt64, stepIndex: UInt32) -> Int? {
        let episode = episodeID &- seed &* 1_000_003
        guard episode < 1 << 40, Int(stepIndex) < episodeLength(Int(episode)) else { return nil }
        while episodeStarts.count <= Int(episode) {
            let e = episodeStarts.count - 1
            episodeStarts.append(episodeStarts[e] + episodeLength(e))
        }
        return episodeStarts[Int(episode)] + Int(stepIndex)
    }

    /// (episode, step within episode) of global transition `index`.
    public mutating func locate(_ index: Int) -> (episode: Int, step: Int) {
        while episodeStarts[episodeStarts.count - 1] <= index {
            let e = episodeStarts.count - 1
            episodeStarts.append(episodeStarts[e] + episodeLength(e))
        }
        // Binary search for the last start <= index.
        var low = 0, high = episodeStarts.count - 1
        while low + 1 < high {
            let middle = (low + high) / 2
            if episodeStarts[middle] <= index { low = middle } else { high = middle }
        }
        return (low, index - episodeStarts[low])
    }

    private func episodeLength(_ episode: Int) -> Int {
        1 + Int(mix(UInt64(episode), 0x1E46) % 300)
    }

    private func observationAt(episode: Int, step: Int) -> [Float] {
        var observation = [Float](repeating: 0, count: observationSize)
        let time = Double(step)
        for k in 0..<observationSize {
            let phase = Double(unit(mix(UInt64(episode), UInt64(2000 + k)))) * 6.283
            let frequency = 0.02 * Double(k % 5 + 1)
            let noise = Double(unit(mix(UInt64(episode) << 20 ^ UInt64(step), UInt64(3000 + k)))) - 0.5
            observation[k] = Float(sin(time * frequency + phase) * Double(k % 3 + 1) + 0.01 * noise)
        }
        return observation
    }

    /// SplitMix64 finalizer over the seed, a value and a salt.
    private func mix(_ value: UInt64, _ salt: UInt64) -> UInt64 {
        var z = seed &+ value &* 0x9E37_79B9_7F4A_7C15 &+ salt &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private func unit(_ bits: UInt64) -> Float { Float(bits >> 40) * 0x1.0p-24 }
}
