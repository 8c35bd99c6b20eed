import Foundation
import XCTest

/// The distributed run of `DistributedRunTestCase` across network namespaces, as on separate hosts: the server, two
/// actors and the learner each in a namespace of its own (its own loopback and one veth interface), joined by a
/// bridge in a fifth namespace, addresses 10.199.0.1–4/24. Nothing of the host's own network is touched. SAC on
/// Pendulum reaches −200 within the bound while an actor is killed and rejoins and the learner is killed and resumes.
/// Skipped, saying why, when namespaces cannot be made (not root, no `ip`); `scripts/test-reverb` fails a skip
/// under CI=true.
final class NetworkNamespaceRunTests: DistributedRunTestCase {
    static let ip = "/usr/sbin/ip"
    let tag = String(UUID().uuidString.prefix(4)).lowercased()
    var namespaces: [String] = []

    /// Runs `ip arguments`; true when it succeeded.
    @discardableResult
    func ip(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.ip)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    func namespace(_ node: String) -> String { "orv\(tag)-\(node)" }

    /// Makes the switch namespace with its bridge and one namespace per node, each with 10.199.0.(index+1)/24.
    func makeNetwork(_ nodes: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.ip) else {
            throw XCTSkip("no \(Self.ip): install iproute2 (apt-get install iproute2) to run the network-namespace test")
        }
        let bridge = namespace("sw")
        guard ip(["netns", "add", bridge]) else { throw XCTSkip("network namespaces cannot be created here (ip netns add failed; the test needs root)") }
        namespaces.append(bridge)
        for step in [["-n", bridge, "link", "add", "br0", "type", "bridge"], ["-n", bridge, "link", "set", "br0", "up"]] {
            guard ip(step) else { throw XCTSkip("a bridge cannot be created in a network namespace here (ip \(step.joined(separator: " ")) failed)") }
        }
        for (index, node) in nodes.enumerated() {
            let name = namespace(node), outer = "o\(tag)\(index)a", inner = "o\(tag)\(index)b"
            guard ip(["netns", "add", name]) else { throw XCTSkip("network namespace \(name) cannot be created") }
            namespaces.append(name)
            let steps: [[String]] = [
                ["link", "add", outer, "type", "veth", "peer", "name", inner],
                ["link", "set", outer, "netns", bridge], ["link", "set", inner, "netns", name],
                ["-n", bridge, "link", "set", outer, "master", "br0"], ["-n", bridge, "link", "set", outer, "up"],
                ["-n", name, "addr", "add", "10.199.0.\(index + 1)/24", "dev", inner], ["-n", name, "link", "set", inner, "up"],
                ["-n", name, "link", "set", "lo", "up"],
            ]
            for step in steps {
                guard ip(step) else { throw XCTSkip("veth pairs cannot be set up here (ip \(step.joined(separator: " ")) failed)") }
            }
        }
    }

    override func tearDown() {
        super.tearDown()  // the processes first, then their namespaces
        for name in namespaces.reversed() { ip(["netns", "del", name]) }  // their veth interfaces go with them
        namespaces = []
    }

    override func prefix(for node: String) -> [String] { [Self.ip, "netns", "exec", namespace(node)] }

    func testActorsAndLearnerInNamespacesOfTheirOwn() throws {
        try makeNetwork(["server", "actor1", "actor2", "learner"])
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["replay", "weights"], options: Self.serverOptions,
                                             prefix: prefix(for: "server"), host: "10.199.0.1")
        self.server = server
        try runSACOnPendulumAcrossRestarts(server, label: "distributed run across network namespaces")
    }
}
