/// Sums of the learner's update metrics since the last `metrics.csv` row, so each row holds their
/// averages over the updates in between. Part of the checkpointed state, so a resumed run writes
/// the same rows as an uninterrupted one.
struct MetricsAccumulator: Codable, Equatable {
    private(set) var sums: [String: Double] = [:]
    private(set) var counts: [String: Int] = [:]

    mutating func add(_ metrics: [String: Double]) {
        for (name, value) in metrics {
            sums[name, default: 0] += value
            counts[name, default: 0] += 1
        }
    }

    /// The average of each metric since the last call (nil for a metric not reported since), and a reset.
    mutating func takeAverages(of names: [String]) -> [Double?] {
        let averages = names.map { name in counts[name].map { sums[name]! / Double($0) } }
        sums.removeAll()
        counts.removeAll()
        return averages
    }

    /// How many updates reported `name` since the last row.
    func count(of name: String) -> Int {
        counts[name] ?? 0
    }

    /// The running average of one metric since the last row.
    func average(of name: String) -> Double? {
        counts[name].map { sums[name]! / Double($0) }
    }
}
