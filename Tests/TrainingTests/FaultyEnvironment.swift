import Environments

/// Pendulum that fails at one step of its life, as a bridged environment can: its call is abandoned on a
/// stop request (`Interruption`), or it returns a NaN reward. Like a bridged one, it cannot restore snapshots.
final class FaultyEnvironment: Environment {
    enum Fault {
        case interruption(signal: Int32)
        case nanReward
    }

    private var pendulum = Pendulum()
    private let fault: Fault
    private let faultyStep: Int
    private(set) var steps = 0

    /// Fails on step `faultyStep` (1-based, counted over the environment's life).
    init(_ fault: Fault, atStep faultyStep: Int) {
        self.fault = fault
        self.faultyStep = faultyStep
    }

    var observationSpace: BoxSpace { pendulum.observationSpace }
    var actionSpace: BoxSpace { pendulum.actionSpace }
    var state: [Double] {
        get { pendulum.state }
        set { pendulum.state = newValue }
    }
    var restoresSnapshots: Bool { false }

    func reset(seed: UInt64?) -> [Float] { pendulum.reset(seed: seed) }
    func step(_ action: [Float]) -> StepResult { try! checkedStep(action) }
    func snapshot() -> EnvironmentSnapshot { pendulum.snapshot() }
    func restore(_ snapshot: EnvironmentSnapshot) {}

    func checkedStep(_ action: [Float]) throws -> StepResult {
        steps += 1
        var result = pendulum.step(action)
        if steps == faultyStep {
            switch fault {
            case .interruption(let signal): throw Interruption(signal: signal, abandoned: "the fixture's step \(steps)")
            case .nanReward: result = StepResult(observation: result.observation, reward: .nan, terminated: result.terminated, truncated: result.truncated)
            }
        }
        return result
    }
}
