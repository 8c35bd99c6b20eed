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
}
