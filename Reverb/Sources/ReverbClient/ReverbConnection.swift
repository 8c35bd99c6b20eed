internal import GRPCCore
internal import GRPCNIOTransportHTTP2
internal import ReverbProtos

/// One gRPC client (an HTTP/2 channel to the server) and the task that runs its connections.
///
/// `ReverbClient` replaces its connection when a call finds the server unavailable: a channel whose server was
/// killed and restarted on the same port was seen to keep failing every call with RST_STREAM (internal error),
/// while a new channel to the same server worked.
final class ReverbConnection: Sendable {
    let grpc: GRPCClient<HTTP2ClientTransport.Posix>
    let service: Deepmind_Reverb_ReverbService.Client<HTTP2ClientTransport.Posix>
    private let connections: Task<Void, Never>

    init(address: ReverbAddress) throws {
        let target: any ResolvableTarget = address.host.contains(":")
            ? .ipv6(address: address.host, port: address.port) : .dns(host: address.host, port: address.port)
        let transport: HTTP2ClientTransport.Posix
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: .plaintext,
                config: .defaults { config in
                    config.backoff = .init(initial: .milliseconds(100), max: .seconds(1), multiplier: 1.6, jitter: 0.2)
                })
        } catch {
            throw ReverbError.invalidAddress(address.description, reason: "\(error)")
        }
        let grpc = GRPCClient(transport: transport)
        self.grpc = grpc
        service = Deepmind_Reverb_ReverbService.Client(wrapping: grpc)
        connections = Task { try? await grpc.runConnections() }
    }

    deinit {
        grpc.beginGracefulShutdown()
    }

    /// Lets the calls in flight finish, then closes the channel.
    func close() async {
        grpc.beginGracefulShutdown()
        await connections.value
    }
}
