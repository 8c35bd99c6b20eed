/// The state of a table's rate limiter. The cursor `inserts × samplesPerInsert − samples` must stay within
/// `minDiff...maxDiff`, and nothing is sampled before `minSizeToSample` items were inserted.
public struct ReverbRateLimiterInfo: Equatable, Sendable {
    public var samplesPerInsert: Double
    public var minDiff: Double
    public var maxDiff: Double
    public var minSizeToSample: Int64
    /// Insert calls completed since the last reset.
    public var insertsCompleted: Int64
    /// Sample calls completed since the last reset.
    public var samplesCompleted: Int64

    public init(samplesPerInsert: Double, minDiff: Double, maxDiff: Double, minSizeToSample: Int64,
                insertsCompleted: Int64, samplesCompleted: Int64) {
        self.samplesPerInsert = samplesPerInsert
        self.minDiff = minDiff
        self.maxDiff = maxDiff
        self.minSizeToSample = minSizeToSample
        self.insertsCompleted = insertsCompleted
        self.samplesCompleted = samplesCompleted
    }
}
