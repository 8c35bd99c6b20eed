import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong with a file, as the end of one sentence ("… cannot be read: REASON"): the system's
/// reason for a Foundation file error (never its raw `NSCocoaErrorDomain` text), a place and a cause for
/// a JSON decoding error, and a typed error's own description otherwise.
public enum FileProblem {
    /// `error` as a short reason.
    public static func reason(_ error: any Error) -> String {
        if let error = error as? DecodingError { return decoding(error) }
        if let error = error as? POSIXError { return systemReason(error.code.rawValue) }
        let isFoundationError = error is CocoaError || type(of: error) is NSError.Type
        if !isFoundationError { return String(describing: error) }
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return systemReason(Int32(error.code)) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return systemReason(Int32(underlying.code))
        }
        guard error.domain == NSCocoaErrorDomain else { return "\(error.domain) error \(error.code)" }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "it does not exist"
        case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
        case .fileReadInapplicableStringEncoding, .fileReadCorruptFile: return "it is not UTF-8 text"
        case .fileWriteOutOfSpace: return "no space left on device"
        case .fileWriteVolumeReadOnly: return "the file system is read-only"
        case .fileWriteFileExists: return "a file of that name exists"
        case .fileReadTooLarge: return "it is too large"
        default: return "the file operation failed (Foundation error \(error.code))"
        }
    }

    /// The system's message for `code` (`strerror`), starting in lower case.
    public static func systemReason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Where in the JSON document decoding failed, and why.
    public static func decoding(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "the value of '\(path(context.codingPath))' is not \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "'\(path(context.codingPath))' is null, expected \(typeName(type))"
        case .keyNotFound(let key, let context):
            return "'\(path(context.codingPath + [key]))' is missing"
        case .dataCorrupted(let context):
            guard !context.codingPath.isEmpty else { return "it is not valid JSON" }
            return "the value of '\(path(context.codingPath))' is not valid (\(context.debugDescription.trimmingCharacters(in: CharacterSet(charactersIn: "."))))"
        @unknown default:
            return "it is not valid JSON"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int32.Type, is Int64.Type, is UInt64.Type, is UInt32.Type: return "a whole number in range"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "of the expected kind"
        }
    }
}
