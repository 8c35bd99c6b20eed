import Foundation
import NeuralNetwork

/// The JSON files of a run (`config.json`, `checkpoint/state.json`): pretty-printed with sorted keys,
/// written atomically.
enum JSONFile {
    static func write<T: Encodable>(_ value: T, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(value), to: file)
    }
}
