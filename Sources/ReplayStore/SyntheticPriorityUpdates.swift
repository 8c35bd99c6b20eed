/// A deterministic stream of priority updates for crash tests and benchmarks (`offpolicy replay
/// prioritize --rounds`): update `round` (1, 2, …) of `batchSize` sets transition
/// `live[((round × batchSize + j) × 7919) mod live.count]` to priority `round + j / batchSize`, for
/// j = 0 ..< batchSize. Which transitions an acknowledged update touched, and to what, is a pure function
/// of the round, so a test can say what the store must hold after any number of them.
public struct SyntheticPriorityUpdates: Sendable {
    /// The live transitions' global indices the updates choose from, ascending.
    public let live: [UInt64]
    public let batchSize: Int

    public init(live: [UInt64], batchSize: Int) {
        self.live = live
        self.batchSize = batchSize
    }

    /// The indices and priorities of update `round`.
    public func update(round: Int) -> (indices: [UInt64], priorities: [Float]) {
        let indices = (0..<batchSize).map { j in live[((round * batchSize + j) * 7919) % live.count] }
        let priorities = (0..<batchSize).map { j in Float(round) + Float(j) / Float(batchSize) }
        return (indices, priorities)
    }

    /// The stored priority of every live transition after updates 1 … `rounds`, starting from `initial`.
    public func priorities(afterRounds rounds: Int, initial: [UInt64: Float]) -> [UInt64: Float] {
        var result = initial
        for round in stride(from: 1, through: rounds, by: 1) {
            let (indices, priorities) = update(round: round)
            for (index, priority) in zip(indices, priorities) { result[index] = priority }
        }
        return result
    }
}
