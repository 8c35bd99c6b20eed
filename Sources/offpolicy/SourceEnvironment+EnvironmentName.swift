import ArgumentParser
import Environments
import GymBridge
import ReplayStore
import TrainingRuns

extension SourceEnvironment {
    /// The record of the environment named `text` on a command line: a built-in id, `gym:ID`, or any other
    /// Gymnasium id, which (like `gym:ID`) is made through the bridge to ask Gymnasium's registry.
    init(named text: String, callTimeout: Double = GymEnvironment.defaultCallTimeout) throws {
        let name = EnvironmentName(text) ?? EnvironmentName(EnvironmentName.gymPrefix + text)
        guard let name else { throw ValidationError("--env '\(text)' is not an environment id (\(EnvironmentName.accepted))") }
        self.init(try TrainingRun.makeEnvironment(named: name.description, callTimeout: callTimeout), name: name)
    }
}
