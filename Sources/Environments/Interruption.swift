#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stop request (`StopRequest`) that cut work short: thrown by an environment call abandoned after the
/// stop's grace, and by loops that stop between steps. A training loop catches it, writes the checkpoint of
/// the last completed unit of work and returns; a command ends with `StopRequest.exitStatus`.
public struct Interruption: Error, CustomStringConvertible, Equatable {
    /// The signal that asked to stop (SIGINT 2, SIGTERM 15).
    public let signal: Int32
    /// What was abandoned, when it was a call in progress ("gym:Hopper-v5's step at step 12 of its episode").
    public let abandoned: String?

    public init(signal: Int32, abandoned: String? = nil) {
        self.signal = signal
        self.abandoned = abandoned
    }

    public var description: String {
        let name = signal == SIGTERM ? "SIGTERM" : signal == SIGINT ? "SIGINT" : "signal \(signal)"
        return "stopped by \(name)" + (abandoned.map { "; abandoned \($0), which had not answered" } ?? "")
    }
}
