import Foundation
import NeuralNetwork

/// The two files of a learner checkpoint: `learner.safetensors` (every network, target network and
/// optimiser moment) and `learner.json` (algorithm, shapes, config, step counters).
enum Checkpoint {
    static let tensorsFile = "learner.safetensors"
    static let stateFile = "learner.json"

    static func write<State: Encodable>(tensors: [Tensor], state: State, to directory: URL) throws {
        try Safetensors.write(tensors, to: directory.appendingPathComponent(tensorsFile))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: directory.appendingPathComponent(stateFile), options: .atomic)
    }

    private struct Header: Decodable {
        var algorithm: Algorithm
    }

    /// Reads a checkpoint, first checking that it was written by `algorithm`.
    static func read<State: Decodable>(_ type: State.Type, algorithm: Algorithm, from directory: URL) throws -> (tensors: [String: Tensor], state: State) {
        let state: State
        do {
            let json = try Data(contentsOf: directory.appendingPathComponent(stateFile))
            try requireMatch("the algorithm", saved: try JSONDecoder().decode(Header.self, from: json).algorithm, current: algorithm)
            state = try JSONDecoder().decode(State.self, from: json)
        } catch let error as DecodingError {
            throw LearnerError.incompatibleCheckpoint("\(directory.appendingPathComponent(stateFile).path): \(error)")
        }
        let tensors = try Safetensors.read(from: directory.appendingPathComponent(tensorsFile)).tensors
        return (tensors, state)
    }

    /// The optimiser's moments as two flat tensors `name.exp_avg` and `name.exp_avg_sq` (PyTorch's names).
    static func tensors(of optimizer: Adam, name: String) -> [Tensor] {
        [Tensor(name: "\(name).exp_avg", shape: [optimizer.firstMoment.count], values: optimizer.firstMoment.values),
         Tensor(name: "\(name).exp_avg_sq", shape: [optimizer.secondMoment.count], values: optimizer.secondMoment.values)]
    }

    static func restore(_ optimizer: Adam, name: String, stepCount: Int, from tensors: [String: Tensor]) throws {
        try restore(optimizer.firstMoment, name: "\(name).exp_avg", from: tensors)
        try restore(optimizer.secondMoment, name: "\(name).exp_avg_sq", from: tensors)
        optimizer.stepCount = stepCount
    }

    static func tensor(of buffer: FloatBuffer, name: String) -> Tensor {
        Tensor(name: name, shape: [buffer.count], values: buffer.values)
    }

    static func restore(_ buffer: FloatBuffer, name: String, from tensors: [String: Tensor]) throws {
        try ParameterRegion.load([ParameterRegion(name: name, shape: [buffer.count], offset: 0)], into: buffer, from: tensors)
    }

    static func requireMatch<T: Equatable>(_ what: String, saved: T, current: T) throws {
        guard saved == current else {
            throw LearnerError.incompatibleCheckpoint("\(what) is \(saved) in the checkpoint but \(current) in this learner")
        }
    }
}
