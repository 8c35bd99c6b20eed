import Foundation
import Learners
import NeuralNetwork
import Randomness

/// What an actor acts with: a learner's acting policy, rebuilt from the `policy.safetensors` bytes the learner
/// publishes to a weights table. It acts as the learner's `act(on:deterministic:using:)` does, with the same
/// behavior log-density.
public protocol ActingPolicy {
    var observationSize: Int { get }
    var actionSize: Int { get }
    func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction
}

/// The algorithms whose policy files actors can act with.
public enum ActingPolicies {
    /// The learners a distributed run can train: SAC (squashed Gaussian), TD3 and DDPG (deterministic actor plus
    /// Gaussian exploration noise).
    public static let algorithms = ["sac", "td3", "ddpg"]

    /// The acting policy of the algorithm `file` names; anything else is refused in one sentence naming `source`.
    public static func read(safetensors file: URL, source: String) throws -> any ActingPolicy {
        let contents = try PolicyFileContents(file: file, source: source)
        switch contents.algorithm {
        case "sac": return try GaussianActingPolicy(contents)
        case "td3", "ddpg": return try DeterministicActingPolicy(contents)
        default:
            throw contents.refuse("it is a \(contents.algorithm) policy; actors act with \(algorithms.joined(separator: ", ")) policies")
        }
    }

    /// Reads policy bytes (as a weights table holds them) through a temporary file.
    public static func read(bytes: [UInt8], source: String) throws -> any ActingPolicy {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-reverb-policy-\(UUID().uuidString).safetensors")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try read(safetensors: file, source: source)
    }
}

/// A `policy.safetensors` read and checked: its tensors (all finite) and the metadata every policy file carries.
struct PolicyFileContents {
    let source: String
    let tensors: [String: Tensor]
    let metadata: [String: String]
    let algorithm: String
    let observationSize: Int
    let hiddenSizes: [Int]
    let activation: Activation
    let actionScale: ActionScale

    func refuse(_ reason: String) -> ReverbRunError { .unusablePolicy(source: source, reason: reason) }

    init(file: URL, source: String) throws {
        self.source = source
        let refuse = { (reason: String) in ReverbRunError.unusablePolicy(source: source, reason: reason) }
        let (tensors, metadata) = try Safetensors.read(from: file)
        guard metadata["format"] == "offpolicy-policy-1" else { throw refuse("its format is \(metadata["format"] ?? "not given"), expected offpolicy-policy-1") }
        guard let observationSize = metadata["observation_size"].flatMap({ Int($0) }), observationSize > 0,
              let hidden = Self.list(metadata["hidden_sizes"]).map({ $0.compactMap { Int($0) } }), hidden.allSatisfy({ $0 > 0 }),
              let activation = metadata["activation"].flatMap(Activation.init(rawValue:)),
              let low = Self.list(metadata["action_low"]).map({ $0.compactMap { Float($0) } }),
              let high = Self.list(metadata["action_high"]).map({ $0.compactMap { Float($0) } }), !low.isEmpty else {
            throw refuse("its metadata lacks observation_size, hidden_sizes, activation or the action bounds")
        }
        do { actionScale = try ActionScale(low: low, high: high) } catch { throw refuse("\(error)") }
        if let name = tensors.keys.sorted().first(where: { tensors[$0]!.values.contains { !$0.isFinite } }) {
            throw refuse("tensor '\(name)' holds a value that is not finite")
        }
        self.tensors = tensors
        self.metadata = metadata
        algorithm = metadata["algorithm"] ?? "?"
        self.observationSize = observationSize
        hiddenSizes = hidden
        self.activation = activation
    }

    /// An MLP of the file's widths ending in `outputs` units (its parameters to be loaded). The widths must
    /// account for exactly the values the file's tensors hold, checked before anything is allocated, so
    /// metadata claiming absurd widths is refused instead of exhausting memory.
    func network(outputs: Int, outputActivation: Activation) throws -> MLP {
        let sizes = [observationSize] + hiddenSizes + [outputs]
        var parameters = 0, overflow = false
        for (input, output) in zip(sizes, sizes.dropFirst()) {
            let (weights, o1) = input.multipliedReportingOverflow(by: output)
            let (layer, o2) = weights.addingReportingOverflow(output)
            let (sum, o3) = parameters.addingReportingOverflow(layer)
            overflow = overflow || o1 || o2 || o3
            parameters = sum
        }
        let stored = tensors.values.reduce(0) { $0 + $1.values.count }
        guard !overflow, parameters == stored else {
            throw refuse("its metadata's widths \(sizes) need \(overflow ? "more than \(Int.max)" : "\(parameters)") parameters, its tensors hold \(stored)")
        }
        var generator = SeededGenerator(seed: 0)
        return MLP(layerSizes: sizes, hiddenActivation: activation, outputActivation: outputActivation, generator: &generator)
    }

    func load(_ regions: [ParameterRegion], into network: MLP) throws {
        do { try ParameterRegion.load(regions, into: network.parameters, from: tensors) } catch { throw refuse("\(error)") }
    }

    /// "[1, 2.5]" → ["1", "2.5"].
    static func list(_ text: String?) -> [String]? {
        guard let text, text.hasPrefix("["), text.hasSuffix("]") else { return nil }
        return text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// SAC's acting policy: the MLP [observation] → [μ | log σ] of the file's `hidden_sizes` and `activation`, then the
/// tanh-squashed Gaussian, scaled to the file's action bounds, as `SAC.act` (through `GaussianPolicy.act`).
public final class GaussianActingPolicy: ActingPolicy {
    public let observationSize: Int
    public let actionSize: Int
    private let actor: MLP
    private let head: SquashedGaussianHead
    private let actionScale: ActionScale

    /// Reads a `policy.safetensors` written by a SAC learner; anything else is refused in one sentence naming `source`.
    public convenience init(safetensors file: URL, source: String) throws {
        let contents = try PolicyFileContents(file: file, source: source)
        guard contents.algorithm == "sac" else { throw contents.refuse("it is a \(contents.algorithm) policy, not SAC's squashed Gaussian policy") }
        try self.init(contents)
    }

    init(_ contents: PolicyFileContents) throws {
        observationSize = contents.observationSize
        actionSize = contents.actionScale.count
        actionScale = contents.actionScale
        actor = try contents.network(outputs: 2 * actionSize, outputActivation: .identity)
        head = SquashedGaussianHead(actionSize: actionSize)
        let last = actor.layers[actor.layers.count - 1]
        let n = actionSize, width = last.inputSize
        // The names GaussianPolicy writes (Stable-Baselines3's SAC actor): latent_pi.*, then the two halves of the last layer.
        try contents.load(ParameterRegion.sequential(actor, prefix: "latent_pi.", layers: 0..<(actor.layers.count - 1)) + [
            ParameterRegion(name: "mu.weight", shape: [n, width], offset: last.weightOffset),
            ParameterRegion(name: "mu.bias", shape: [n], offset: last.biasOffset),
            ParameterRegion(name: "log_std.weight", shape: [n, width], offset: last.weightOffset + n * width),
            ParameterRegion(name: "log_std.bias", shape: [n], offset: last.biasOffset + n),
        ], into: actor)
    }

    /// Stochastic: a = tanh(μ + σ ε) scaled to the bounds, with its log-density in environment units.
    /// Deterministic: tanh(μ) scaled, log-density NaN.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return GaussianPolicy.act(actor, head: head, actionScale: actionScale, on: observation, deterministic: deterministic,
                                  using: &generator)
    }
}

/// TD3's and DDPG's acting policy: the tanh actor μ(s) of the file (tensors `mu.*`), scaled to the action bounds;
/// when exploring, plus N(0, σ²) in [−1, 1] units, clipped, with σ the file's `exploration_noise`, as
/// `TD3.act` (through `DeterministicPolicy.act`). The log-density is NaN where the noise was clipped.
public final class DeterministicActingPolicy: ActingPolicy {
    public let observationSize: Int
    public let actionSize: Int
    public let explorationNoise: Double
    private let actor: MLP
    private let actionScale: ActionScale

    init(_ contents: PolicyFileContents) throws {
        guard let noise = contents.metadata["exploration_noise"].flatMap(Double.init), noise >= 0, noise.isFinite else {
            throw contents.refuse("its metadata gives no exploration_noise (a \(contents.algorithm) policy file written before actors could act with it, or by an offline learner)")
        }
        observationSize = contents.observationSize
        actionSize = contents.actionScale.count
        actionScale = contents.actionScale
        explorationNoise = noise
        actor = try contents.network(outputs: actionSize, outputActivation: .tanh)
        try contents.load(DeterministicPolicy.regions(of: actor), into: actor)
    }

    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return DeterministicPolicy.act(actor, actionScale: actionScale, explorationNoise: explorationNoise, on: observation,
                                       deterministic: deterministic, using: &generator)
    }
}
