import Environments
import GymBridge
import ReplayStore

extension SourceEnvironment {
    /// The record of `environment`, made from `name`: a built-in task's Gymnasium id, registry entry point and
    /// episode limit; a bridged one's as its Python process reported them from Gymnasium's registry (the id
    /// without the `gym:` prefix).
    public init(_ environment: any Environment, name: EnvironmentName) {
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

    /// The record of a run's environment: as `init(_:name:)` for a built-in or `gym:` name; for a user's own
    /// environment (a name that is neither), its spaces without an id, since the name is not Gymnasium's.
    public init(_ environment: any Environment, runEnvironment name: String) {
        if let parsed = EnvironmentName(name) {
            self.init(environment, name: parsed)
        } else {
            self.init(id: nil, observationSpace: BoxBounds(low: environment.observationSpace.low, high: environment.observationSpace.high),
                      actionSpace: BoxBounds(low: environment.actionSpace.low, high: environment.actionSpace.high))
        }
    }
}
