import Foundation

/// One sentence for a JSON decoding failure: which field and what is wrong, instead of the
/// decoder's raw description.
enum JSONProblem {
    static func describe(_ error: Error) -> String {
        func field(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : "'" + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "'"
        }
        guard let error = error as? DecodingError else { return "it is not valid JSON" }
        switch error {
        case let .keyNotFound(key, context): return "the field '\(key.stringValue)' is missing at \(field(context.codingPath))"
        case let .typeMismatch(type, context): return "\(field(context.codingPath)) is not \(Self.name(of: type))"
        case let .valueNotFound(type, context): return "\(field(context.codingPath)) is null where \(Self.name(of: type)) is needed"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "it is not valid UTF-8 JSON" : "\(field(context.codingPath)) is malformed"
        @unknown default: return "it is not valid JSON"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        default: return "of the expected type"
        }
    }
}
