import Foundation

/// One line of JSON with snake_case keys and sorted keys. Non-finite numbers are not JSON: callers map
/// them to `null` (`finiteOrNull`), and one that slips through is an encoding error, never "nan".
func jsonLine<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .throw
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// `values` with every NaN or infinity replaced by nil, which JSON encodes as `null`.
func finiteOrNull<T: BinaryFloatingPoint>(_ values: [T]) -> [T?] {
    values.map { $0.isFinite ? $0 : nil }
}

/// `value`, or nil (JSON `null`) when it is NaN or infinite.
func finiteOrNull<T: BinaryFloatingPoint>(_ value: T) -> T? {
    value.isFinite ? value : nil
}
