import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Acting and policy files for the deterministic tanh actor that TD3 and DDPG share:
/// μ(s) ∈ [−1, 1]ᴬ from an MLP with a tanh output, scaled to the action bounds. Public for the acting side of
/// distributed runs (the Reverb companion's `DeterministicActingPolicy`), which acts exactly as the learner does.
public enum DeterministicPolicy {
    /// μ(s) scaled to the bounds; when exploring, plus N(0, σ²) noise in [−1, 1] units, clipped.
    /// The log-density (environment units) is NaN when deterministic or when the noise was clipped.
    public static func act(_ actor: MLP, actionScale: ActionScale, explorationNoise: Double, on observation: [Float],
                    deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        let actionSize = actionScale.low.count
        var network = observation.withUnsafeBufferPointer { s in
            Array(UnsafeBufferPointer(start: actor.forward(s.baseAddress!, rows: 1), count: actionSize))
        }
        var logProbability = Float.nan
        if !deterministic {
            logProbability = network.withUnsafeMutableBufferPointer {
                GaussianExploration.perturb($0.baseAddress!, count: actionSize, standardDeviation: Float(explorationNoise), using: &generator)
            } - actionScale.logJacobian
        }
        var action = [Float](repeating: 0, count: actionSize)
        network.withUnsafeBufferPointer { n in action.withUnsafeMutableBufferPointer { actionScale.toEnvironment(n.baseAddress!, into: $0.baseAddress!) } }
        return ChosenAction(action: action, logProbability: logProbability)
    }

    /// SB3's names for the deterministic `Actor`: `mu.0.weight`, `mu.0.bias`, `mu.2.weight`, …,
    /// the last Linear before the tanh.
    public static func regions(of actor: MLP) -> [ParameterRegion] { ParameterRegion.sequential(actor, prefix: "mu.") }

    /// Writes the actor as `policy.safetensors` (tensor names: `regions(of:)`). With an observation
    /// normalisation (TD3+BC) the standardisation is folded into `mu.0.weight` and `mu.0.bias`, so the
    /// file is a plain MLP on raw observations; the statistics stay in the metadata as information.
    static func save(_ actor: MLP, algorithm: String, observationSize: Int, actionScale: ActionScale,
                     hiddenSizes: [Int], activation: Activation, observationNormalization: ObservationNormalization? = nil,
                     explorationNoise: Double? = nil, to file: URL) throws {
        var tensors = ParameterRegion.tensors(regions(of: actor), of: actor.parameters)
        if let observationNormalization {
            precondition(tensors.count >= 2 && tensors[0].name == "mu.0.weight" && tensors[1].name == "mu.0.bias")
            let folded = observationNormalization.folded(weight: tensors[0].values, bias: tensors[1].values)
            tensors[0].values = folded.weight
            tensors[1].values = folded.bias
        }
        try Checkpoint.requireFinite(tensors)
        try Safetensors.write(tensors,
                              metadata: PolicyMetadata.make(algorithm: algorithm, observationSize: observationSize, actionScale: actionScale,
                                                            hiddenSizes: hiddenSizes, activation: activation,
                                                            observationNormalization: observationNormalization,
                                                            explorationNoise: explorationNoise),
                              to: file)
    }
}
