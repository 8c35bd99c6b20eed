import Foundation

/// Why a bridged Gymnasium environment could not start or continue. Each message names the
/// environment and, where Python said something, ends with the last lines of its standard error.
public enum GymBridgeError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// No Python interpreter at `$OFFPOLICY_PYTHON` (or `python3` on PATH).
    case pythonNotFound(python: String)
    /// Python could not import a module the environment needs; `install` is the command that adds it.
    case missingModule(id: String, module: String, install: String, message: String)
    /// Gymnasium has no environment registered under the id.
    case unknownEnvironment(id: String, message: String)
    /// A space that is not a floating-point Box, or an action box with an infinite bound.
    case unsupportedSpace(id: String, description: String)
    /// `gymnasium.make` raised.
    case makeFailed(id: String, message: String)
    /// The environment raised inside `reset` or `step` (or a state request); `message` is Python's traceback.
    case environmentRaised(id: String, request: String, message: String)
    /// The child exited, or answered with bytes that do not follow the protocol.
    case childFailed(id: String, reason: String, standardError: String)
    /// `call` ("step (step 12 of its episode, 57 since the environment started)") had no answer within
    /// `seconds`; the child was killed.
    case timedOut(id: String, call: String, seconds: Double, standardError: String)
    /// The start message announced a space of more values than the bridge takes (`GymEnvironment.sizeLimit`).
    case sizeTooLarge(id: String, space: String, size: Int, limit: Int)
    /// An observation or reward that is NaN or infinite: `what` names it ("the reward", "observation value 2"),
    /// `call` the call and step that returned it.
    case nonFinite(id: String, what: String, value: Double, call: String)

    /// The description, for code that reports errors by `localizedDescription`.
    public var errorDescription: String? { description }

    public var description: String {
        switch self {
        case .pythonNotFound(let python):
            return "cannot run '\(python)' for gym: environments: install Python 3 and Gymnasium (scripts/setup does, or: "
                + "pip install \"gymnasium[mujoco,box2d]==\(Self.gymnasiumVersion)\"), or set OFFPOLICY_PYTHON to a Python that has them"
        case .missingModule(let id, let module, let install, let message):
            return "gym:\(id) needs the Python module '\(module)', which is not installed: \(install)\n" + Self.indented(message)
        case .unknownEnvironment(let id, let message):
            return "gym:\(id): Gymnasium knows no environment '\(id)' (\(message.trimmed)); ids look like gym:HalfCheetah-v5, or gym:module:Name-v0 for one registered by a module of yours"
        case .unsupportedSpace(let id, let description):
            return "gym:\(id): the bridge takes only floating-point Box observation and action spaces, with finite action bounds; not \(description)"
        case .makeFailed(let id, let message):
            return "gym:\(id): gymnasium.make failed:\n" + Self.indented(message)
        case .environmentRaised(let id, let request, let message):
            return "gym:\(id): the environment raised in \(request):\n" + Self.indented(message)
        case .timedOut(let id, let call, let seconds, let standardError):
            let tail = standardError.trimmed
            return "gym:\(id): its \(call) did not answer within \(Self.formatted(seconds)) s, so its Python process was killed "
                + "(a slower environment needs a larger --env-timeout)"
                + (tail.isEmpty ? "" : "; the last lines Python wrote to standard error:\n" + Self.indented(tail))
        case .sizeTooLarge(let id, let space, let size, let limit):
            return "gym:\(id) announces an \(space) space of \(size) values; the bridge takes at most \(limit) (the replay store's limit)"
        case .nonFinite(let id, let what, let value, let call):
            return "gym:\(id) returned \(what) \(value) from its \(call); an environment's observations and rewards must be finite"
        case .childFailed(let id, let reason, let standardError):
            let tail = standardError.trimmed
            return "gym:\(id): \(reason)" + (tail.isEmpty ? " (Python wrote nothing to standard error)"
                                                          : "; the last lines Python wrote to standard error:\n" + Self.indented(tail))
        }
    }

    /// The Gymnasium version scripts/setup installs and the bridge is tested with.
    public static let gymnasiumVersion = "1.4.0"

    /// The command that installs `module` for a Gymnasium environment: the extras Gymnasium names for
    /// MuJoCo and Box2D, Gymnasium itself, or else the module's own name (a guess the message says is one).
    public static func installCommand(forModule module: String) -> String {
        switch module.lowercased() {
        case "mujoco": return "pip install \"gymnasium[mujoco]==\(gymnasiumVersion)\""
        case "box2d", "box2d-py", "pygame": return "pip install \"gymnasium[box2d]==\(gymnasiumVersion)\" (Box2D builds need swig and a C compiler where no wheel fits)"
        case "gymnasium", "numpy": return "pip install \"gymnasium==\(gymnasiumVersion)\""
        case "": return "install the package the message below names"
        default: return "install the package that provides it (often: pip install \(module))"
        }
    }

    /// `300`, `0.5`: seconds without a needless fraction.
    private static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e15 ? String(Int(seconds)) : String(seconds)
    }

    private static func indented(_ text: String) -> String {
        text.trimmed.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
    }
}

extension String {
    fileprivate var trimmed: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
