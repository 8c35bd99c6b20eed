import Foundation
import RunFiles
import XCTest

/// The distributed run across network namespaces, as on separate hosts: the server, two actors and the learner
/// each in a namespace of its own (its own loopback and one veth interface), joined by a bridge in a fifth
/// namespace, addresses 10.199.0.1–4/24. Nothing of the host's own network is touched. Skipped, saying why, when
/// namespaces cannot be made (not root, no `ip`); `scripts/test-reverb` fails a skip under CI=true.
///
/// Learning itself is checked on loopback (`DistributedRunTests`); here: the learner learns from both actors'
/// inserts and publishes weights they act with, an actor killed mid-run leaves the learner and the other actor
/// running and rejoins when restarted, and a killed learner resumes from its checkpoint.
final class NetworkNamespaceRunTests: XCTestCase {
    static let ip = "/usr/sbin/ip"
    let tag = String(UUID().uuidString.prefix(4)).lowercased()
    var namespaces: [String] = []
    var children: [RunProcess] = []
    var server: ReverbServerProcess?
    var directory: URL!

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

    override func setUpWithError() throws {
        try ReverbServerProcess.requirePython()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-reverb-netns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for child in children { child.stop() }
        XCTAssertTrue(children.allSatisfy { !$0.isRunning }, "no child process survives the test")
        children = []
        server?.stop()
        server = nil
        for name in namespaces.reversed() { ip(["netns", "del", name]) }  // their veth interfaces go with them
        namespaces = []
        if let directory { try? FileManager.default.removeItem(at: directory) }
        super.tearDown()
    }

    func start(_ name: String, in node: String, _ arguments: [String]) throws -> RunProcess {
        let child = try RunProcess(name, arguments, logIn: directory, prefix: [Self.ip, "netns", "exec", namespace(node)])
        children.append(child)
        return child
    }

    func lastUpdates(_ run: URL) -> Int {
        ((try? ProgressRow.read(from: run.appendingPathComponent("progress.csv"))) ?? []).last?.updates ?? 0
    }

    func checkpointUpdates(_ run: URL) -> Int {
        guard let data = try? Data(contentsOf: run.appendingPathComponent("checkpoint/state.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return 0 }
        return object["updates"] as? Int ?? 0
    }

    func confirmedItems(_ actor: RunProcess) -> Int {
        let lines = actor.output.split(separator: "\n").filter { $0.contains("items confirmed") }
        guard let last = lines.last, let range = last.range(of: #"\d+ items confirmed"#, options: .regularExpression) else { return 0 }
        return Int(last[range].split(separator: " ")[0]) ?? 0
    }

    func testActorsAndLearnerInNamespacesOfTheirOwn() throws {
        try makeNetwork(["server", "actor1", "actor2", "learner"])
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["replay", "weights"], options: [
            "--replay-selector", "prioritized", "--min-size", "500", "--samples-per-insert", "128", "--error-buffer", "256000",
        ], prefix: [Self.ip, "netns", "exec", namespace("server")], host: "10.199.0.1")
        self.server = server
        let replay = "\(server.address)/replay"
        let run = directory.appendingPathComponent("learner")
        let actorArguments = { (seed: Int) in
            ["actor", "--replay", replay, "--env", "Pendulum-v1", "--copies", "2", "--refresh-every", "200", "--seed", String(seed), "--status-every", "1"]
        }
        let learnerArguments = ["train", "sac", "--replay", replay, "--env", "Pendulum-v1", "--hidden", "64,64", "--steps", "5000",
                                "--eval-every", "200", "--eval-episodes", "2", "--publish-every", "50", "--seed", "1", "--run-dir", run.path,
                                "--no-tensorboard"]
        var actors = [try start("actor-1", in: "actor1", actorArguments(1)), try start("actor-2", in: "actor2", actorArguments(2))]
        var learner = try start("learner", in: "learner", learnerArguments)

        XCTAssertTrue(eventually(within: 240) { lastUpdates(run) >= 400 || !learner.isRunning }, "the learner learned across namespaces: \(learner.output.suffix(2000))")
        XCTAssertTrue(eventually(within: 60) { actors.allSatisfy { $0.output.contains("policy of update") } },
                      "both actors act with published weights: \(actors.map { $0.output.suffix(500) })")

        actors[0].stop(SIGKILL)
        let atKill = lastUpdates(run)
        XCTAssertTrue(eventually(within: 180) { lastUpdates(run) >= atKill + 200 || !learner.isRunning }, learner.output.suffix(2000).description)
        XCTAssertTrue(learner.isRunning && actors[1].isRunning, "the learner and the other actor kept running")

        actors[0] = try start("actor-1-again", in: "actor1", actorArguments(1))
        XCTAssertTrue(eventually(within: 120) { confirmedItems(actors[0]) > 0 }, "the restarted actor rejoined: \(actors[0].output.suffix(2000))")

        let wanted = lastUpdates(run) + 200
        XCTAssertTrue(eventually(within: 180) { checkpointUpdates(run) >= wanted || !learner.isRunning })
        let checkpoint = checkpointUpdates(run)
        learner.stop(SIGKILL)
        learner = try start("learner-again", in: "learner", learnerArguments)
        XCTAssertTrue(eventually(within: 60) { learner.output.contains("resuming") }, learner.output)
        let resumedLine = learner.output.split(separator: "\n").first { $0.hasPrefix("resuming") } ?? ""
        let resumedAt = Int(resumedLine.split(separator: " ").dropFirst(4).first ?? "") ?? -1
        XCTAssertGreaterThanOrEqual(resumedAt, checkpoint, "resumed from its checkpoint: \(resumedLine)")
        XCTAssertTrue(eventually(within: 180) { lastUpdates(run) >= resumedAt + 200 || !learner.isRunning },
                      "the resumed learner went on: \(learner.output.suffix(2000))")
        XCTAssertTrue(learner.isRunning && actors.allSatisfy(\.isRunning))
    }
}
