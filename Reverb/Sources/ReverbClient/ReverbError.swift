/// What can go wrong talking to a Reverb server. Each case reads as one sentence naming the value at fault.
public enum ReverbError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A `reverb://HOST:PORT[/TABLE]` address that does not parse; refused before anything is sent.
    case invalidAddress(String, reason: String)
    /// The server has no table of this name; `available` lists the ones it has.
    case unknownTable(String, available: [String])
    /// The table's signature does not describe transitions of the widths asked for.
    case signatureMismatch(table: String, reason: String)
    /// A value handed to the client is out of range (a batch size, a priority, a column length).
    case invalidArgument(String)
    /// The rate limiter did not let the call through within its timeout. Retrying later is safe.
    case rateLimiterTimeout(table: String, milliseconds: Int64)
    /// The server could not be reached, or went away mid-call. Retrying after a backoff is safe.
    case unavailable(String)
    /// The server refused a call (a gRPC status other than the two above).
    case serverError(code: String, message: String)
    /// The server answered with something this client cannot read.
    case malformedResponse(String)

    /// True for the conditions a caller can retry after a wait without changing anything.
    public var isRetryable: Bool {
        switch self {
        case .rateLimiterTimeout, .unavailable: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidAddress(let address, let reason):
            return "The Reverb address '\(address)' does not parse: \(reason)."
        case .unknownTable(let table, let available):
            let list = available.isEmpty ? "none" : available.sorted().joined(separator: ", ")
            return "The Reverb server has no table '\(table)' (its tables: \(list))."
        case .signatureMismatch(let table, let reason):
            return "The signature of Reverb table '\(table)' does not match this run: \(reason)."
        case .invalidArgument(let message):
            return "Invalid argument for the Reverb client: \(message)."
        case .rateLimiterTimeout(let table, let milliseconds):
            return "The rate limiter of Reverb table '\(table)' did not let the call through within \(milliseconds) ms; retry later."
        case .unavailable(let message):
            return "The Reverb server is unavailable: \(message)."
        case .serverError(let code, let message):
            return "The Reverb server refused the call (\(code)): \(message)."
        case .malformedResponse(let message):
            return "The Reverb server's response is malformed: \(message)."
        }
    }
}
