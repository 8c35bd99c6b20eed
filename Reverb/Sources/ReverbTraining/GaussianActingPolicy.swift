import Foundation
import Learners
import NeuralNetwork
import Randomness

/// The acting policy of a SAC learner, rebuilt from its `policy.safetensors` (the bytes a learner publishes to a
/// weights table): the MLP [observation] → [μ | log σ] of the file's `hidden_sizes` and `activation`, then the
/// tanh-squashed Gaussian, scaled to the file's action bounds. It acts as `SAC.act(on:deterministic:using:)` does,
/// with the same log-density (tanh and action-scale Jacobians included).
public final class GaussianActingPolicy {
    public let observationSize: Int
    public let actionSize: Int
    private let actor: MLP
    private let head: SquashedGaussianHead
    private let actionScale: ActionScale

    /// Reads a `policy.safetensors` written by a SAC learner; anything else is refused in one sentence naming `source`.
    public init(safetensors file: URL, source: String) throws {
        let (tensors, metadata) = try Safetensors.read(from: file)
        func refuse(_ reason: String) -> ReverbRunError { .unusablePolicy(source: source, reason: reason) }
        guard metadata["format"] == "offpolicy-policy-1" else { throw refuse("its format is \(metadata["format"] ?? "not given"), expected offpolicy-policy-1") }
        guard metadata["algorithm"] == "sac" else {
            throw refuse("it is a \(metadata["algorithm"] ?? "?") policy; actors act with SAC's squashed Gaussian policy")
        }
        guard let observationSize = metadata["observation_size"].flatMap({ Int($0) }), observationSize > 0,
              let hidden = Self.list(metadata["hidden_sizes"]).map({ $0.compactMap { Int($0) } }), hidden.allSatisfy({ $0 > 0 }),
              let activation = metadata["activation"].flatMap(Activation.init(rawValue:)),
              let low = Self.list(metadata["action_low"]).map({ $0.compactMap { Float($0) } }),
              let high = Self.list(metadata["action_high"]).map({ $0.compactMap { Float($0) } }), !low.isEmpty else {
            throw refuse("its metadata lacks observation_size, hidden_sizes, activation or the action bounds")
        }
        do { actionScale = try ActionScale(low: low, high: high) } catch { throw refuse("\(error)") }
        self.observationSize = observationSize
        actionSize = low.count
        var generator = SeededGenerator(seed: 0)
        actor = MLP(layerSizes: [observationSize] + hidden + [2 * actionSize], hiddenActivation: activation, outputActivation: .identity,
                    generator: &generator)
        head = SquashedGaussianHead(actionSize: actionSize)
        let last = actor.layers[actor.layers.count - 1]
        let n = actionSize, width = last.inputSize
        // The names GaussianPolicy writes (Stable-Baselines3's SAC actor): latent_pi.*, then the two halves of the last layer.
        let regions = ParameterRegion.sequential(actor, prefix: "latent_pi.", layers: 0..<(actor.layers.count - 1)) + [
            ParameterRegion(name: "mu.weight", shape: [n, width], offset: last.weightOffset),
            ParameterRegion(name: "mu.bias", shape: [n], offset: last.biasOffset),
            ParameterRegion(name: "log_std.weight", shape: [n, width], offset: last.weightOffset + n * width),
            ParameterRegion(name: "log_std.bias", shape: [n], offset: last.biasOffset + n),
        ]
        do { try ParameterRegion.load(regions, into: actor.parameters, from: tensors) } catch { throw refuse("\(error)") }
        if let name = tensors.keys.sorted().first(where: { tensors[$0]!.values.contains { !$0.isFinite } }) {
            throw refuse("tensor '\(name)' holds a value that is not finite")
        }
    }

    /// Reads policy bytes (as a weights table holds them) through a temporary file.
    public convenience init(bytes: [UInt8], source: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-reverb-policy-\(UUID().uuidString).safetensors")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try self.init(safetensors: file, source: source)
    }

    /// "[1, 2.5]" → ["1", "2.5"].
    private static func list(_ text: String?) -> [String]? {
        guard let text, text.hasPrefix("["), text.hasSuffix("]") else { return nil }
        return text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Stochastic: a = tanh(μ + σ ε) scaled to the bounds, with its log-density in environment units.
    /// Deterministic: tanh(μ) scaled, log-density NaN.
    public func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        return GaussianPolicy.act(actor, head: head, actionScale: actionScale, on: observation, deterministic: deterministic,
                                  using: &generator)
    }
}
