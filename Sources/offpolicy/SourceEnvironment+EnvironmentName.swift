import ArgumentParser
import Environments
import GymBridge
import ReplayStore
import TrainingRuns

extension SourceEnvironment {
    /// The record of `environment`, made from `name`: a built-in task's Gymnasium id, registry entry point and
    /// episode limit; a bridged one's as its Python process reported them from Gymnasium's registry (the id
    /// without the `gym:` prefix).
    init(_ environment: any Environment, name: EnvironmentName) {
        if let bridged = environment as? GymEnvironment {
            self.init(id: bridged.registeredID, entryPoint: bridged.entryPoint, maxEpisodeSteps: bridged.maxEpisodeSteps,
                      observationSpace: BoxBounds(shape: bridged.observationShape, low: bridged.observationSpace.low, high: bridged.observationSpace.high),
                      actionSpace: BoxBounds(shape: bridged.actionShape, low: bridged.actionSpace.low, high: bridged.actionSpace.high))
            return
        }
        let observation = BoxBounds(low: environment.observationSpace.low, high: environment.observationSpace.high)
        let action = BoxBounds(low: environment.actionSpace.low, high: environment.actionSpace.high)
        switch name {
        case .builtIn(let id):
            self.init(id: id.rawValue, entryPoint: id.entryPoint, maxEpisodeSteps: id.maxEpisodeSteps, observationSpace: observation, actionSpace: action)
        case .gym(let id):
            self.init(id: id, observationSpace: observation, actionSpace: action)
        }
    }

    /// The record of the environment named `text` on a command line: a built-in id, `gym:ID`, or any other
    /// Gymnasium id, which (like `gym:ID`) is made through the bridge to ask Gymnasium's registry.
    init(named text: String, callTimeout: Double = GymEnvironment.defaultCallTimeout) throws {
        let name = EnvironmentName(text) ?? EnvironmentName(EnvironmentName.gymPrefix + text)
        guard let name else { throw ValidationError("--env '\(text)' is not an environment id (\(EnvironmentName.accepted))") }
        self.init(try TrainingRun.makeEnvironment(named: name.description, callTimeout: callTimeout), name: name)
    }
}
