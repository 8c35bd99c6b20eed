#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT) or SIGTERM, asked of a long-running command: once `install()` has run, either signal
/// only records its number here, and the work in progress decides where to stop.
///
/// - Training loops finish their unit of work (a step and its updates, a rollout and its update), write a
///   checkpoint and return; a unit cut short by an `Interruption` is dropped and the checkpoint holds the
///   state before it.
/// - An environment call that waits on another process (a bridged Gymnasium `step` or `reset`) gives the call
///   `grace` seconds more once a stop is requested, then abandons it and throws `Interruption`: a call that
///   hangs never keeps a command from stopping.
/// - `Evaluation.run` and `Rollout.collect` throw `Interruption` between steps when asked to (`stopsOnRequest`).
///
/// The value is written by a signal handler and read between steps; nothing else is done in the handler.
public enum StopRequest {
    /// The number of the signal that asked to stop (SIGINT 2, SIGTERM 15), or 0.
    nonisolated(unsafe) public private(set) static var signal: Int32 = 0

    /// Seconds an environment call that waits on another process still gets after a stop request.
    public static let grace = 1.0

    /// Whether a stop was requested.
    public static var isRequested: Bool { signal != 0 }

    /// From now on SIGINT and SIGTERM request a stop instead of ending the process.
    public static func install() {
        for number in [SIGINT, SIGTERM] {
            #if canImport(Glibc)
            _ = Glibc.signal(number) { StopRequest.signal = $0 }
            #else
            _ = Darwin.signal(number) { StopRequest.signal = $0 }
            #endif
        }
    }

    /// Requests a stop as `signalNumber` would (for callers that stop for reasons of their own, and tests).
    public static func request(signal signalNumber: Int32) { signal = signalNumber }

    /// Forgets a request (tests that stop several runs in one process).
    public static func clear() { signal = 0 }

    /// The exit status a stopped command ends with: 128 + the signal (130 after SIGINT, 143 after SIGTERM).
    public static var exitStatus: Int32 { 128 + (signal == 0 ? SIGINT : signal) }

    /// Throws `Interruption` when a stop was requested.
    public static func check(during work: String? = nil) throws {
        if isRequested { throw Interruption(signal: signal, abandoned: work) }
    }
}
