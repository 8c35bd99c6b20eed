import Environments
import Training

/// Hands out the environments of one run, each made by `start`: training (each copy), evaluation.
/// Making one is two calls: `start` begins it and returns what finishes it, so that environments which
/// take long to start (a bridged one's Python process) start together and are waited for one by one.
/// The last one handed out can be given back (after it served to name or size the run) and is handed out
/// again next, so no environment is made only to be dropped. A class instance handed out twice is refused:
/// the environments of a run must be separate.
final class EnvironmentSupply {
    private let start: () throws -> () throws -> any Environment
    /// Whether `start` makes the whole environment (nothing is gained by finishing it later).
    private let startMakesWhole: Bool
    private var last: (any Environment)?
    private var returned = false
    private var instances: Set<ObjectIdentifier> = []

    /// Environments made by `make`, each in one call.
    convenience init(_ make: @escaping () throws -> any Environment) {
        self.init(starting: {
            let environment = try make()
            return { environment }
        }, makesWhole: true)
    }

    /// Environments begun by `start`, and finished by the closure it returns.
    init(starting start: @escaping () throws -> () throws -> any Environment, makesWhole: Bool = false) {
        self.start = start
        startMakesWhole = makesWhole
    }

    func next() throws -> any Environment {
        if returned, let last {
            returned = false
            return last
        }
        return try handOut(try start()())
    }

    /// Makes `next()` hand out the last environment again.
    func giveBack() { returned = true }

    /// A run's environments: `copies` training copies (the one given back first) and the evaluation
    /// environment, all begun before the first is waited for. The evaluation environment is finished when
    /// `evaluation` is first called (a run calls it at its first evaluation), unless making one is a single
    /// call: then it is made (and checked) here.
    func runEnvironments(copies: Int) throws -> (training: [any Environment], evaluation: () throws -> any Environment) {
        let reused = returned ? last : nil
        returned = false
        let finishers = try (0..<(copies - (reused == nil ? 0 : 1) + 1)).map { _ in try start() }
        var training = reused.map { [$0] } ?? []
        for finish in finishers.dropLast() { training.append(try handOut(try finish())) }
        let finishEvaluation = finishers.last!
        if startMakesWhole {
            let made = try handOut(try finishEvaluation())
            return (training, { made })
        }
        var evaluation: (any Environment)?
        return (training, { [self] in
            if let evaluation { return evaluation }
            let made = try handOut(try finishEvaluation())
            evaluation = made
            return made
        })
    }

    /// `environment`, once it is known to be no instance handed out before.
    private func handOut(_ environment: any Environment) throws -> any Environment {
        if type(of: environment) is AnyClass {
            let identity = ObjectIdentifier(environment as AnyObject)
            guard instances.insert(identity).inserted else {
                throw TrainingError.invalidConfig("the environment expression gave the same \(type(of: environment)) instance twice; pass one that makes a new environment each time (such as \(type(of: environment))()), since a run trains and evaluates on separate environments")
            }
        }
        last = environment
        return environment
    }
}
