import Foundation
import ReplayStore

/// A Gymnasium `Box` space as Minari serialises it in `metadata.json` (and D4RL files written here keep it
/// as an attribute): a JSON string such as `{"type": "Box", "dtype": "float32", "shape": [3], "low": [...],
/// "high": [...]}`.
extension BoxBounds {
    /// The most values a space may have (observation or action): larger ones are refused as malformed.
    static let sizeLimit = 1 << 24

    private struct Serialized: Decodable {
        var type: String
        var shape: [Int]?
        var low: JSONNumbers?
        var high: JSONNumbers?
    }

    /// Parses Minari's serialised space (Python's `json`, which may write `Infinity`) found under `key` in
    /// `path`; only `Box` is supported. `low` and `high` may be nested lists of the shape or one number for
    /// every value; missing, they are unbounded.
    init(minariJSON text: String, key: String, path: String) throws {
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        let serialized: Serialized
        do {
            serialized = try decoder.decode(Serialized.self, from: Data(text.utf8))
        } catch {
            throw DatasetError.invalidMetadata(path: path, reason: "'\(key)' is not a serialised space: \(JSONProblem.describe(error))")
        }
        guard serialized.type == "Box", let shape = serialized.shape, !shape.isEmpty, shape.allSatisfy({ $0 > 0 }) else {
            throw DatasetError.invalidMetadata(path: path, reason: "'\(key)' is a \(serialized.type) space; only Box spaces of a non-empty shape are supported")
        }
        var size = 1
        for dimension in shape {
            let (product, overflow) = size.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= Self.sizeLimit else {
                throw DatasetError.invalidMetadata(path: path, reason: "'\(key)' has shape \(shape), more than \(Self.sizeLimit) values")
            }
            size = product
        }
        func bound(_ numbers: JSONNumbers?, _ name: String, unbounded: Float) throws -> [Float] {
            guard let values = numbers?.flattened else { return Array(repeating: unbounded, count: size) }
            if values.count == 1 { return Array(repeating: Float(values[0]), count: size) }
            guard values.count == size else {
                throw DatasetError.invalidMetadata(path: path, reason: "'\(key)' has \(values.count) '\(name)' values for its \(size)")
            }
            return values.map { Float($0) }
        }
        self.init(shape: shape, low: try bound(serialized.low, "low", unbounded: -.infinity),
                  high: try bound(serialized.high, "high", unbounded: .infinity))
        if let problem {
            throw DatasetError.invalidMetadata(path: path, reason: "'\(key)' is not a box: \(problem)")
        }
    }

    /// Minari's serialisation, as Python's `json.dumps` writes it (`Infinity` for unbounded sides).
    var minariJSON: String {
        func number(_ value: Float) -> String {
            if value == .infinity { return "Infinity" }
            if value == -.infinity { return "-Infinity" }
            return "\(Double(value))"
        }
        func list(_ values: [Float]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }
        return #"{"type": "Box", "dtype": "float32", "shape": ["# + shape.map(String.init).joined(separator: ", ")
            + #"], "low": "# + list(low) + #", "high": "# + list(high) + "}"
    }
}
