/// Why the event files of a directory could not be trimmed to a step, naming the file.
public struct EventFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String

    public var description: String { "\(path) cannot be trimmed: \(reason)" }
}
