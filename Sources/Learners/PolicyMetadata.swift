import Foundation
import NeuralNetwork

/// The `__metadata__` of a `policy.safetensors`: what a user needs to rebuild the policy in PyTorch.
enum PolicyMetadata {
    static func make(algorithm: String, observationSize: Int, actionScale: ActionScale,
                     hiddenSizes: [Int], activation: Activation) -> [String: String] {
        func list<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        return [
            "format": "offpolicy-policy-1",
            "algorithm": algorithm,
            "observation_size": "\(observationSize)",
            "action_size": "\(actionScale.count)",
            "hidden_sizes": list(hiddenSizes),
            "activation": activation.rawValue,
            "action_low": list(actionScale.low),
            "action_high": list(actionScale.high),
        ]
    }
}
