import Environments
import Foundation
import Randomness

/// Any Gymnasium environment with Box spaces, run by `gymnasium.make(id)` in a child Python process
/// (`--env gym:ID`). The built-in Swift environments stay the fast path; this one is for everything else.
///
/// It is a reference to its process, not a value: copies share one Python environment, so a second
/// environment (evaluation, say) must be made with its own `GymEnvironment(id:)`. Nor can a snapshot hold
/// Python's state: `restoresSnapshots` is false, and a resumed run starts a fresh episode.
///
/// Observations arrive as float32 (float64 spaces are converted); the reward travels as float64, exactly as
/// Python computed it. `terminated` and `truncated` are Gymnasium's own (a `TimeLimit` wrapper's truncation
/// included), and the observation of an episode's last step is its true final observation.
///
/// The `Environment` requirements that cannot throw (`reset`, `step`, `state`) stop the program with the
/// bridge's error when the child fails; loops use `checkedReset` and `checkedStep`, which throw it instead.
///
/// Every call waits at most `callTimeout` seconds for its answer (then the child is killed and
/// `GymBridgeError.timedOut` names the call and the step), and yields to a stop request (`StopRequest`):
/// after its grace the call is abandoned, the child killed, and `Interruption` thrown. The child dies with
/// this process, also after kill -9. Observations and rewards are checked at this boundary: a NaN or an
/// infinity is `GymBridgeError.nonFinite`, naming the step and the value.
public final class GymEnvironment: OverlappingEnvironment {
    /// The default of `callTimeout`: five minutes, generous for any environment's single step or reset.
    public static let defaultCallTimeout = 300.0
    /// The most values an observation or action space may have: the replay store's limit (`StoreSchema`).
    public static let sizeLimit = 1_000_000

    /// The Gymnasium id, as given to `gymnasium.make` (`HalfCheetah-v5`, or `module:Name-v0`).
    public let id: String
    public let observationSpace: BoxSpace
    public let actionSpace: BoxSpace
    /// `env.spec.max_episode_steps`: the `TimeLimit` Gymnasium wrapped the environment in, if any.
    public let maxEpisodeSteps: Int?
    /// `env.spec.id`: the id as Gymnasium's registry has it (`MyEnv-v0` for `my_module:MyEnv-v0`); `id` when
    /// the environment has no spec.
    public let registeredID: String
    /// `env.spec.entry_point` (`module:Class`), when the registry has it as a string.
    public let entryPoint: String?
    /// The spaces' shapes before flattening (`[17]`, `[3, 64, 64]`); their products are the dimensions.
    public let observationShape: [Int]
    public let actionShape: [Int]
    /// The versions the child reported: Gymnasium and Python.
    public let gymnasiumVersion: String
    public let pythonVersion: String
    /// Seconds a `reset` or `step` (or the start) may take before the child is killed.
    public var callTimeout: Double { process.callTimeout }
    /// Steps taken since the environment started, and since the episode's reset.
    public private(set) var stepCount = 0
    public private(set) var episodeStepCount = 0
    private let process: BridgeProcess
    private var request: [UInt8] = []
    /// The call begun last, as messages name it ("step (step 12 of its episode, 57 since the environment started)").
    private var pendingCall = ""

    /// Starts the child and reads the spaces it reports. Throws `GymBridgeError` when Python, Gymnasium or a
    /// module the environment needs is missing, when the id is unknown, or when a space is not a Box with
    /// float entries (and finite action bounds).
    /// `callTimeout` bounds the start and every later call (seconds, more than 0).
    /// To start several at once (training copies, an evaluation environment), use `GymLaunch`.
    public convenience init(id: String, python: String? = nil, callTimeout: Double = GymEnvironment.defaultCallTimeout) throws {
        precondition(callTimeout > 0, "a call timeout must be positive")
        try self.init(id: id, process: BridgeProcess(id: id, python: python, callTimeout: callTimeout))
    }

    /// Reads the start message of `process`, started by `GymLaunch`; the wait for it is a call under
    /// `callTimeout` from now (the process may have been starting for a while).
    init(id: String, process: BridgeProcess) throws {
        self.id = id
        self.process = process
        process.beginCall("start (gymnasium.make)")
        let header = try Self.readHeader(from: process)
        guard header.ok else { throw Self.startError(id: id, header: header, process: process) }
        guard let observationSize = header.observation_size, let actionSize = header.action_size else {
            throw process.failure("the start message lacks the space sizes")
        }
        for (space, size) in [("observation", observationSize), ("action", actionSize)] where size > Self.sizeLimit {
            process.terminate()
            throw GymBridgeError.sizeTooLarge(id: id, space: space, size: size, limit: Self.sizeLimit)
        }
        guard actionSize > 0, observationSize > 0 else {
            process.terminate()
            throw GymBridgeError.unsupportedSpace(id: id, description: "an empty Box (observation \(observationSize) values, action \(actionSize))")
        }
        observationSpace = BoxSpace(low: try process.readFloats(observationSize), high: try process.readFloats(observationSize))
        actionSpace = BoxSpace(low: try process.readFloats(actionSize), high: try process.readFloats(actionSize))
        maxEpisodeSteps = header.max_episode_steps
        registeredID = header.spec_id ?? id
        entryPoint = header.entry_point
        func shape(_ reported: [Int]?, size: Int) -> [Int] {
            guard let reported, !reported.isEmpty, reported.allSatisfy({ $0 > 0 }),
                  reported.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) == size else { return [size] }
            return reported
        }
        observationShape = shape(header.observation_shape, size: observationSize)
        actionShape = shape(header.action_shape, size: actionSize)
        gymnasiumVersion = header.gymnasium ?? "?"
        pythonVersion = header.python ?? "?"
        guard actionSpace.isBounded else {
            throw GymBridgeError.unsupportedSpace(id: id, description: "an action Box with infinite bounds (low \(actionSpace.low), high \(actionSpace.high)); uniform warm-up actions and the tanh-squashed policies need finite ones")
        }
    }

    // MARK: Environment

    public func checkedReset(seed: UInt64?) throws -> [Float] {
        try beginReset(seed: seed)
        return try endReset()
    }

    public func checkedStep(_ action: [Float]) throws -> StepResult {
        try beginStep(action)
        return try endStep()
    }

    // MARK: OverlappingEnvironment

    /// Sends the reset request; `endReset()` reads its answer.
    public func beginReset(seed: UInt64?) throws {
        pendingCall = "reset (after \(stepCount) steps since the environment started)"
        process.beginCall(pendingCall)
        request.removeAll(keepingCapacity: true)
        request.append(UInt8(ascii: "R"))
        request.append(seed == nil ? 0 : 1)
        Self.append(seed ?? 0, to: &request)
        try process.send(request)
    }

    public func endReset() throws -> [Float] {
        try expect("o", answering: "reset")
        let observation = try process.readFloats(observationSpace.dimension)
        try requireFinite(observation, from: pendingCall)
        episodeStepCount = 0
        return observation
    }

    /// Sends the step request; `endStep()` reads its answer. While Python steps, the caller is free to work
    /// (to choose another copy's action, or to begin its step).
    public func beginStep(_ action: [Float]) throws {
        precondition(action.count == actionSpace.dimension, "gym:\(id) takes \(actionSpace.dimension) action values, got \(action.count)")
        request.removeAll(keepingCapacity: true)
        pendingCall = "step (step \(episodeStepCount + 1) of its episode, \(stepCount + 1) since the environment started)"
        process.beginCall(pendingCall)
        request.append(UInt8(ascii: "S"))
        for value in action { Self.append(value.bitPattern, to: &request) }
        try process.send(request)
    }

    public func endStep() throws -> StepResult {
        try expect("s", answering: "step")
        let flags = try process.readByte()
        guard flags <= 3 else { throw process.failure("step answered with end flags \(flags), not 0...3") }
        let reward = try process.readDouble()
        let observation = try process.readFloats(observationSpace.dimension)
        stepCount += 1
        episodeStepCount += 1
        guard reward.isFinite else { throw GymBridgeError.nonFinite(id: id, what: "the reward", value: reward, call: pendingCall) }
        try requireFinite(observation, from: pendingCall)
        return StepResult(observation: observation, reward: reward, terminated: flags & 1 != 0, truncated: flags & 2 != 0)
    }

    /// `checkedReset(seed: nil)` (without the protocol extension's `mutating`, which a class does not need).
    public func checkedReset() throws -> [Float] { try checkedReset(seed: nil) }

    public func reset(seed: UInt64?) -> [Float] {
        do { return try checkedReset(seed: seed) } catch { Self.stop(with: error) }
    }

    public func step(_ action: [Float]) -> StepResult {
        do { return try checkedStep(action) } catch { Self.stop(with: error) }
    }

    /// `env.unwrapped.state` in float64, for environments that keep one (the classic-control tasks).
    public var state: [Double] {
        get { do { return try readState() } catch { Self.stop(with: error) } }
        set { do { try writeState(newValue) } catch { Self.stop(with: error) } }
    }

    /// How a requirement that cannot throw ends the program: an `Interruption` (a call abandoned on a stop
    /// request) exits with `StopRequest.exitStatus` after one line on standard error; any other failure stops
    /// the program with the bridge's message.
    private static func stop(with error: Error) -> Never {
        if let interruption = error as? Interruption {
            FileHandle.standardError.write(Data("\(interruption)\n".utf8))
            exit(128 + interruption.signal)
        }
        fatalError("\(error)")
    }

    // Python's state cannot be captured: `snapshot()`, `restore(_:)` and `restoresSnapshots` are the
    // protocol's defaults (an empty snapshot, nothing restored, false).

    // MARK: Beyond the protocol

    /// Reads `env.unwrapped.state` (throws when the environment has none).
    public func readState() throws -> [Double] {
        process.beginCall("reading of env.unwrapped.state")
        try process.send([UInt8(ascii: "G")])
        try expect("g", answering: "reading env.unwrapped.state")
        let count = Int(try process.readUInt32())
        guard count <= 1 << 20 else { throw process.failure("the state has \(count) values") }
        return try process.readDoubles(count)
    }

    /// Sets `env.unwrapped.state`; the next step continues from it.
    public func writeState(_ state: [Double]) throws {
        var bytes = [UInt8(ascii: "P")]
        Self.append(UInt32(state.count), to: &bytes)
        for value in state { Self.append(value.bitPattern, to: &bytes) }
        process.beginCall("setting of env.unwrapped.state")
        try process.send(bytes)
        try expect("p", answering: "setting env.unwrapped.state")
    }

    /// Seconds the child spent inside `env.step`, the steps it took, and the CPU seconds (user + system) the
    /// child used, all since it started: what a step costs Gymnasium itself, to set the bridge's own cost apart.
    public func stepTiming() throws -> (seconds: Double, steps: Int, processSeconds: Double) {
        process.beginCall("timing request")
        try process.send([UInt8(ascii: "T")])
        try expect("t", answering: "timing")
        return (try process.readDouble(), Int(try process.readUInt64()), try process.readDouble())
    }

    /// The last lines the child wrote to standard error.
    public var standardErrorTail: String { process.standardErrorTail() }

    // MARK: Protocol details

    /// Throws `nonFinite` naming the first observation value that is NaN or infinite.
    private func requireFinite(_ observation: [Float], from call: String) throws {
        if let index = observation.firstIndex(where: { !$0.isFinite }) {
            throw GymBridgeError.nonFinite(id: id, what: "observation value \(index) of \(observation.count)", value: Double(observation[index]), call: call)
        }
    }

    /// Reads the reply's first byte: `expected`, or `e` and a traceback (thrown), or garbage (thrown).
    private func expect(_ expected: Unicode.Scalar, answering request: String) throws {
        let byte = try process.readByte()
        if byte == UInt8(ascii: expected) { return }
        if byte == UInt8(ascii: "e") {
            let count = Int(try process.readUInt32())
            guard count <= 1 << 20 else { throw process.failure("an error message of \(count) bytes") }
            throw GymBridgeError.environmentRaised(id: id, request: request, message: String(decoding: try process.readBytes(count), as: UTF8.self))
        }
        throw process.failure("\(request) was answered with byte 0x\(String(byte, radix: 16)), not '\(expected)': the protocol is broken")
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// The JSON the child sends once, at start.
    private struct Header: Decodable {
        var ok: Bool
        var kind: String?
        var message: String?
        var module: String?
        var observation_size: Int?
        var action_size: Int?
        var max_episode_steps: Int?
        var spec_id: String?
        var entry_point: String?
        var observation_shape: [Int]?
        var action_shape: [Int]?
        var gymnasium: String?
        var python: String?
    }

    private static let magic = Array("OPGB".utf8)

    private static func readHeader(from process: BridgeProcess) throws -> Header {
        let magic = try process.readBytes(4)
        guard Array(magic) == Self.magic else { throw process.failure("the process did not start the bridge protocol") }
        let length = Int(try process.readUInt32())
        guard length <= 1 << 20 else { throw process.failure("a start message of \(length) bytes") }
        do {
            return try JSONDecoder().decode(Header.self, from: Data(try process.readBytes(length)))
        } catch let error as GymBridgeError {
            throw error
        } catch {
            throw process.failure("the start message is not the JSON expected (\(error))")
        }
    }

    private static func startError(id: String, header: Header, process: BridgeProcess) -> GymBridgeError {
        let message = header.message ?? ""
        switch header.kind {
        case "missing_module":
            let module = header.module ?? ""
            return .missingModule(id: id, module: module.isEmpty ? "?" : module,
                                  install: GymBridgeError.installCommand(forModule: module), message: message)
        case "unknown_id": return .unknownEnvironment(id: id, message: message)
        case "unsupported_space": return .unsupportedSpace(id: id, description: message)
        default: return .makeFailed(id: id, message: message + "\n" + process.standardErrorTail())
        }
    }
}
