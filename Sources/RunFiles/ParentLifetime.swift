import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child `offpolicy` process (a `compare` run's `train`, the replay reader) that dies with the process
/// that started it, also after kill -9 of that parent, so no run goes on writing into a folder nobody watches.
///
/// The parent starts the child with `childEnvironment()`: its own environment plus `OFFPOLICY_PARENT_PID`,
/// its process id. The child calls `bindToParent()` before anything else. On Linux the kernel then sends
/// the child SIGKILL when the parent ends (`prctl(PR_SET_PDEATHSIG)`); a parent that ended before that
/// request took effect is caught by comparing `getppid()` with the id, and the child exits at once.
///
/// The kernel watches the parent *thread* that started the child: start such children from a thread that
/// lives as long as they should (the main thread, as `offpolicy` does).
public enum ParentLifetime {
    /// The environment variable holding the parent's process id.
    public static let variable = "OFFPOLICY_PARENT_PID"

    /// `environment` with `OFFPOLICY_PARENT_PID` set to this process's id, for a child to be bound to it.
    public static func childEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: String] {
        var environment = environment
        environment[variable] = String(getpid())
        return environment
    }

    /// When `OFFPOLICY_PARENT_PID` is set: asks to be killed when the parent ends, and exits (status 1, with one
    /// line on standard error) when the parent has already gone. The variable is removed, so that processes this
    /// one starts are not bound to its parent. Without the variable: nothing.
    public static func bindToParent() {
        guard let value = getenv(variable) else { return }
        let text = String(cString: value)
        unsetenv(variable)
        guard let parent = pid_t(text), parent > 1 else { return }
        requestKillOnParentDeath()
        if getppid() != parent {
            FileHandle.standardError.write(Data("offpolicy: the process that started this one (pid \(parent)) has ended; exiting\n".utf8))
            exit(1)
        }
    }

    /// `prctl(PR_SET_PDEATHSIG, SIGKILL)`. (prctl is variadic, which Swift does not import: it is called
    /// through its address with the integer arguments it reads.)
    private static func requestKillOnParentDeath() {
        #if os(Linux)
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        guard let symbol = dlsym(nil, "prctl") else { return }  // nil: RTLD_DEFAULT, every loaded library
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        _ = prctl(1 /* PR_SET_PDEATHSIG */, UInt(SIGKILL), 0, 0, 0)
        #endif
    }
}
