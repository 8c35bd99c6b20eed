/// Where a Reverb table lives: `reverb://HOST:PORT/TABLE`, with the table optional (`reverb://HOST:PORT`).
///
/// HOST is a name, an IPv4 address or a bracketed IPv6 address (`reverb://[::1]:8000/replay`).
public struct ReverbAddress: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The table named by the address's path, if any.
    public var table: String?

    public init(host: String, port: Int, table: String? = nil) {
        self.host = host
        self.port = port
        self.table = table
    }

    /// Parses `reverb://HOST:PORT[/TABLE]`; anything else is refused with one sentence saying why.
    public init(parsing text: String) throws {
        func refuse(_ reason: String) -> ReverbError { .invalidAddress(text, reason: reason) }
        let scheme = "reverb://"
        guard text.hasPrefix(scheme) else { throw refuse("it must start with \(scheme)") }
        var rest = Substring(text.dropFirst(scheme.count))
        var path: Substring?
        let host: String
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw refuse("the IPv6 host has no closing ']'") }
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw refuse("'\(host)' is not an IPv6 address")
            }
        } else {
            guard let colon = rest.firstIndex(of: ":") else { throw refuse("it has no ':PORT' after the host") }
            host = String(rest[..<colon])
            rest = rest[colon...]
            guard !host.isEmpty else { throw refuse("the host is empty") }
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }), host.allSatisfy(\.isASCII) else {
                throw refuse("the host '\(host)' has characters a host name cannot have")
            }
        }
        guard rest.hasPrefix(":") else { throw refuse("it has no ':PORT' after the host") }
        rest = rest.dropFirst()
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        guard let port = Int(rest), (1...65535).contains(port), rest.allSatisfy(\.isNumber) else {
            throw refuse("the port '\(rest)' is not a number from 1 to 65535")
        }
        var table: String?
        if let path, !path.isEmpty {
            guard !path.contains("/"), !path.contains("?"), !path.contains("#") else {
                throw refuse("the table name '\(path)' must not contain '/', '?' or '#'")
            }
            table = String(path)
        }
        self.init(host: host, port: port, table: table)
    }

    public var description: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "reverb://\(hostPart):\(port)" + (table.map { "/\($0)" } ?? "")
    }
}
