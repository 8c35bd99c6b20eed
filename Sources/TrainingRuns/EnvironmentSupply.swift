import Environments
import Training

/// Hands out the environments of one run, each made by `make`: training, evaluation, each on-policy copy.
/// The last one handed out can be given back (after it served to name or size the run) and is handed out
/// again next, so no environment is made only to be dropped. A class instance handed out twice is refused:
/// the environments of a run must be separate.
final class EnvironmentSupply {
    private let make: () throws -> any Environment
    private var last: (any Environment)?
    private var returned = false
    private var instances: Set<ObjectIdentifier> = []

    init(_ make: @escaping () throws -> any Environment) { self.make = make }

    func next() throws -> any Environment {
        if returned, let last {
            returned = false
            return last
        }
        let environment = try make()
        if type(of: environment) is AnyClass {
            let identity = ObjectIdentifier(environment as AnyObject)
            guard instances.insert(identity).inserted else {
                throw TrainingError.invalidConfig("the environment expression gave the same \(type(of: environment)) instance twice; pass one that makes a new environment each time (such as \(type(of: environment))()), since a run trains and evaluates on separate environments")
            }
        }
        last = environment
        return environment
    }

    /// Makes `next()` hand out the last environment again.
    func giveBack() { returned = true }
}
