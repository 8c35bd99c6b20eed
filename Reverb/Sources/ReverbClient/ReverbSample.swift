import Foundation
import Transitions

/// A batch sampled from a Reverb table: the transitions, and for each row the item it came from.
public struct ReverbSample: Sendable {
    /// The transitions, one row per sampled item. Episode ids and step indices come from the chunks'
    /// sequence ranges; the source is `.online`.
    public var batch: TransitionBatch
    /// The item key of each row: what `ReverbClient.mutatePriorities` takes.
    public var keys: [UInt64]
    /// Each item's priority when it was sampled.
    public var priorities: [Double]
    /// The probability each item had of being sampled, P(i).
    public var probabilities: [Double]
    /// The number of items in the table when each item was sampled, N.
    public var tableSizes: [Int64]
    /// How many times each item had been sampled, this time included.
    public var timesSampled: [Int32]

    /// Importance weights w_i = (N·P(i))^(−β) / max_j (N·P(j))^(−β) (Schaul et al. 2016, eq. 2 and its normalization).
    /// Uniform tables give 1 for every row.
    public func importanceWeights(exponent beta: Double) -> [Float] {
        let raw = zip(probabilities, tableSizes).map { probability, size in
            Foundation.pow(Double(size) * probability, -beta)
        }
        guard let largest = raw.max(), largest > 0, largest.isFinite else {
            return [Float](repeating: 1, count: raw.count)
        }
        return raw.map { Float($0 / largest) }
    }
}
