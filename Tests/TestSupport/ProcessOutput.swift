/// What a finished child process printed and how it exited.
public struct ProcessOutput: Sendable {
    /// The exit status, or the number of the signal that ended the process.
    public var status: Int32
    public var standardOutput: String
    public var standardError: String

    public init(status: Int32, standardOutput: String, standardError: String) {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}
