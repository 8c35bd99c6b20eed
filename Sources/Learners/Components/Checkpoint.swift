import Foundation
import NeuralNetwork

/// The two files of a learner checkpoint: `learner.safetensors` (every network, target network,
/// optimiser moment and extra vector the learner lists as `CheckpointItem`s) and `learner.json`
/// (algorithm, shapes, config, update count, optimiser step counts). Written and read from the same
/// list of items, so what is saved is always what is restored.
enum Checkpoint {
    static let tensorsFile = "learner.safetensors"
    static let stateFile = "learner.json"

    struct State<Config: LearnerConfig>: Codable {
        var algorithm: String
        var observationSize: Int
        var actionScale: ActionScale
        var config: Config
        var updateCount: Int
        /// Step count of each optimiser, by item name.
        var optimizerSteps: [String: Int]
    }

    private struct Header: Decodable {
        var algorithm: String
    }

    /// Writes `items` and the state; refuses (throws `nonFiniteParameter`) when any value is NaN or ±∞,
    /// so a diverged learner never replaces a good checkpoint.
    static func write<Config: LearnerConfig>(_ items: [CheckpointItem], config: Config, observationSize: Int,
                                             actionScale: ActionScale, updateCount: Int, to directory: URL) throws {
        var tensors: [Tensor] = []
        var optimizerSteps: [String: Int] = [:]
        for item in items {
            switch item {
            case .network(let network, let regions, let prefix):
                tensors += ParameterRegion.tensors(regions, of: network.parameters, namePrefix: prefix)
            case .optimizer(let optimizer, let name):
                tensors.append(Tensor(name: "\(name).exp_avg", shape: [optimizer.firstMoment.count], values: optimizer.firstMoment.values))
                tensors.append(Tensor(name: "\(name).exp_avg_sq", shape: [optimizer.secondMoment.count], values: optimizer.secondMoment.values))
                optimizerSteps[name] = optimizer.stepCount
            case .vector(let buffer, let name):
                tensors.append(Tensor(name: name, shape: [buffer.count], values: buffer.values))
            }
        }
        try requireFinite(tensors)
        try Safetensors.write(tensors, to: directory.appendingPathComponent(tensorsFile))
        let state = State(algorithm: Config.algorithmName, observationSize: observationSize, actionScale: actionScale,
                          config: config, updateCount: updateCount, optimizerSteps: optimizerSteps)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(state), to: directory.appendingPathComponent(stateFile))
    }

    /// Restores `items` from a checkpoint written by the same algorithm for the same shapes, and returns
    /// its update count. Throws `incompatibleCheckpoint` naming the first difference.
    static func read<Config: LearnerConfig>(_ items: [CheckpointItem], config: Config, observationSize: Int,
                                            actionScale: ActionScale, from directory: URL) throws -> Int {
        let stateURL = directory.appendingPathComponent(stateFile)
        let state: State<Config>
        do {
            let json = try Data(contentsOf: stateURL)
            try requireMatch("the algorithm", saved: try JSONDecoder().decode(Header.self, from: json).algorithm, current: Config.algorithmName)
            state = try JSONDecoder().decode(State<Config>.self, from: json)
        } catch let error as DecodingError {
            throw LearnerError.incompatibleCheckpoint("\(stateURL.path): \(error)")
        }
        try requireMatch("the observation size", saved: state.observationSize, current: observationSize)
        try requireMatch("the action bounds", saved: state.actionScale, current: actionScale)
        try requireMatch("the hidden sizes", saved: state.config.common.hiddenSizes, current: config.common.hiddenSizes)
        try requireMatch("the activation", saved: state.config.common.activation, current: config.common.activation)
        let optimizerNames = items.compactMap { item -> String? in
            if case .optimizer(_, let name) = item { return name } else { return nil }
        }
        try requireMatch("the optimisers", saved: state.optimizerSteps.keys.sorted(), current: optimizerNames.sorted())

        let tensorsURL = directory.appendingPathComponent(tensorsFile)
        let tensors = try Safetensors.read(from: tensorsURL).tensors
        // A damaged or tampered file is named here, before its values reach a policy or a store.
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
                throw LearnerError.nonFiniteCheckpoint(file: tensorsURL.path, tensor: name, index: index, value: tensor.values[index])
            }
        }
        for item in items {
            switch item {
            case .network(let network, let regions, let prefix):
                try ParameterRegion.load(regions, into: network.parameters, from: tensors, namePrefix: prefix)
            case .optimizer(let optimizer, let name):
                try load(optimizer.firstMoment, name: "\(name).exp_avg", from: tensors)
                try load(optimizer.secondMoment, name: "\(name).exp_avg_sq", from: tensors)
                optimizer.stepCount = state.optimizerSteps[name]!
            case .vector(let buffer, let name):
                try load(buffer, name: name, from: tensors)
            }
        }
        return state.updateCount
    }

    /// Throws `LearnerError.nonFiniteParameter` naming the first tensor holding NaN or ±∞.
    static func requireFinite(_ tensors: [Tensor]) throws {
        for tensor in tensors {
            if let index = tensor.values.firstIndex(where: { !$0.isFinite }) {
                throw LearnerError.nonFiniteParameter(tensor: tensor.name, index: index, value: tensor.values[index])
            }
        }
    }

    private static func load(_ buffer: FloatBuffer, name: String, from tensors: [String: Tensor]) throws {
        try ParameterRegion.load([ParameterRegion(name: name, shape: [buffer.count], offset: 0)], into: buffer, from: tensors)
    }

    static func requireMatch<T: Equatable>(_ what: String, saved: T, current: T) throws {
        guard saved == current else {
            throw LearnerError.incompatibleCheckpoint("\(what) is \(saved) in the checkpoint but \(current) in this learner")
        }
    }
}
