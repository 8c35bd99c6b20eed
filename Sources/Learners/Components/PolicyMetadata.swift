import Foundation
import NeuralNetwork

/// The `__metadata__` of a `policy.safetensors`: what a user needs to rebuild the policy in PyTorch.
enum PolicyMetadata {
    static func make(algorithm: String, observationSize: Int, actionScale: ActionScale,
                     hiddenSizes: [Int], activation: Activation,
                     observationNormalization: ObservationNormalization? = nil, explorationNoise: Double? = nil) -> [String: String] {
        func list<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        var metadata = [
            "format": "offpolicy-policy-1",
            "algorithm": algorithm,
            "observation_size": "\(observationSize)",
            "action_size": "\(actionScale.count)",
            "hidden_sizes": list(hiddenSizes),
            "activation": activation.rawValue,
            "action_low": list(actionScale.low),
            "action_high": list(actionScale.high),
        ]
        if let explorationNoise {
            // TD3's and DDPG's σ of the Gaussian noise added in [−1, 1] units while collecting (Reverb actors act with it).
            metadata["exploration_noise"] = "\(explorationNoise)"
        }
        if let observationNormalization {
            // The learner's input is (observation − observation_mean) / (observation_std + 1e-3); the policy
            // file's writer folds that into the first layer, so the statistics are information only.
            metadata["observation_mean"] = list(observationNormalization.mean)
            metadata["observation_std"] = list(observationNormalization.standardDeviation)
            metadata["observation_normalization"] = "folded: the first layer's weight and bias already apply (observation - observation_mean) / (observation_std + 0.001); feed raw observations, do not standardise again"
        }
        return metadata
    }
}
