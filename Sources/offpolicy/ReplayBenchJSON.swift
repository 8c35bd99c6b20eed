/// The `replay bench --json` object (snake_case keys). A rate that is not finite (a phase too short to
/// time) is written as `null`: JSON has no infinity.
struct ReplayBenchJSON: Encodable {
    var appendTransitionsPerS: Double?
    var sampleWarmTransitionsPerS: Double?
    var sampleColdTransitionsPerS: Double?
    var bytesPerTransition: Double?
    var compressionRatio: Double?
    var rawBytesPerTransition: Int
    /// The same rates per CPU-second of this process: what the machine gives without other load.
    var appendTransitionsPerCpuS: Double?
    var sampleWarmTransitionsPerCpuS: Double?
    var sampleColdTransitionsPerCpuS: Double?
    var stepsPerS: Double?
    var transitions: Int
    var chunk: Int
    var level: Int
    var filter: String
    var appendBatch: Int
    var durability: String
    /// With `--prioritized` (absent otherwise): seconds to add priorities to the store, seconds to rebuild the
    /// tree from them on open, and the prioritized sampling rates without and with one update per batch (the latter at the first `--fold-rows`).
    var priorityAddSeconds: Double?
    var priorityRebuildSeconds: Double?
    var samplePrioritizedTransitionsPerS: Double?
    var samplePrioritizedUpdateTransitionsPerS: Double?
    /// The priority-log fold threshold of `samplePrioritizedUpdateTransitionsPerS` (the first `--fold-rows`).
    var priorityLogFoldRows: Int?
}
