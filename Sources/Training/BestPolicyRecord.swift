/// What `KeepBestPolicy` writes beside `best-policy.safetensors` (as `best-policy.json`): the evaluation
/// whose policy the file holds, as its row of `progress.csv` has it.
public struct BestPolicyRecord: Codable, Equatable, Sendable {
    /// The run's step count at the evaluation: environment steps online, updates offline.
    public var steps: Int
    public var environmentSteps: Int
    public var updates: Int
    public var evaluationReturnMean: Double
    public var evaluationReturnStd: Double

    public init(steps: Int, environmentSteps: Int, updates: Int, evaluationReturnMean: Double, evaluationReturnStd: Double) {
        self.steps = steps
        self.environmentSteps = environmentSteps
        self.updates = updates
        self.evaluationReturnMean = evaluationReturnMean
        self.evaluationReturnStd = evaluationReturnStd
    }
}
