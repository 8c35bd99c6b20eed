/// A bridged Gymnasium environment whose Python process is starting. Starting Python, Gymnasium and the
/// environment takes most of a second; launches made one after another start their processes at once, and
/// `environment()` waits only for the one asked for. A run launches its training copies and its
/// evaluation environment together, and reads the evaluation environment's start only when the first
/// evaluation is due.
///
/// A launch whose environment is never asked for kills its process when it goes.
public final class GymLaunch {
    /// The Gymnasium id, as given to `gymnasium.make`.
    public let id: String
    private var process: BridgeProcess?

    /// Starts the child process and returns without waiting for it. Throws `GymBridgeError.pythonNotFound`
    /// when there is no Python to start; everything else is reported by `environment()`.
    /// `callTimeout` bounds the start (from the moment `environment()` waits for it) and every later call.
    public init(id: String, python: String? = nil, callTimeout: Double = GymEnvironment.defaultCallTimeout) throws {
        precondition(callTimeout > 0, "a call timeout must be positive")
        self.id = id
        process = try BridgeProcess(id: id, python: python, callTimeout: callTimeout)
    }

    deinit { process?.terminate() }

    /// The environment, once its process has reported its spaces; throws what `GymEnvironment.init(id:python:callTimeout:)`
    /// throws. A launch makes one environment: a second call is a programming error.
    public func environment() throws -> GymEnvironment {
        guard let process else { preconditionFailure("gym:\(id): a launch makes one environment, and it was already asked for") }
        self.process = nil
        return try GymEnvironment(id: id, process: process)
    }

    /// `count` environments of `id`, their processes started at once, then made in order.
    public static func environments(id: String, count: Int, python: String? = nil,
                                    callTimeout: Double = GymEnvironment.defaultCallTimeout) throws -> [GymEnvironment] {
        let launches = try (0..<count).map { _ in try GymLaunch(id: id, python: python, callTimeout: callTimeout) }
        return try launches.map { try $0.environment() }
    }
}
