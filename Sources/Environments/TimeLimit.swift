/// Gymnasium's `TimeLimit` wrapper: after `maxEpisodeSteps` steps the episode is truncated
/// (unless the task terminated on that very step, in which case both flags may be set, as in Gymnasium).
public struct TimeLimit<Wrapped: Environment>: Environment {
    public var wrapped: Wrapped
    public let maxEpisodeSteps: Int
    /// Steps taken since the last `reset`.
    public private(set) var elapsedSteps = 0

    public init(_ wrapped: Wrapped, maxEpisodeSteps: Int) {
        precondition(maxEpisodeSteps > 0, "maxEpisodeSteps must be positive")
        self.wrapped = wrapped
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public var observationSpace: BoxSpace { wrapped.observationSpace }
    public var actionSpace: BoxSpace { wrapped.actionSpace }

    public var state: [Double] {
        get { wrapped.state }
        set { wrapped.state = newValue }
    }

    public mutating func reset(seed: UInt64?) -> [Float] {
        elapsedSteps = 0
        return wrapped.reset(seed: seed)
    }

    public mutating func step(_ action: [Float]) -> StepResult {
        limited(wrapped.step(action))
    }

    public mutating func checkedReset(seed: UInt64?) throws -> [Float] {
        let observation = try wrapped.checkedReset(seed: seed)
        elapsedSteps = 0
        return observation
    }

    public mutating func checkedStep(_ action: [Float]) throws -> StepResult {
        limited(try wrapped.checkedStep(action))
    }

    public var restoresSnapshots: Bool { wrapped.restoresSnapshots }

    private mutating func limited(_ result: StepResult) -> StepResult {
        var result = result
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { result.truncated = true }
        return result
    }

    public func snapshot() -> EnvironmentSnapshot {
        var snapshot = wrapped.snapshot()
        snapshot.elapsedSteps = elapsedSteps
        return snapshot
    }

    public mutating func restore(_ snapshot: EnvironmentSnapshot) {
        wrapped.restore(snapshot)
        elapsedSteps = snapshot.elapsedSteps ?? 0
    }
}
