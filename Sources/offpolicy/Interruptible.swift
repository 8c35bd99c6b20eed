import ArgumentParser
import Environments

/// How a command yields to Ctrl-C and SIGTERM: `run` installs the stop request (`StopRequest`), so a signal
/// no longer ends the process on the spot (a hung bridged call included, see `GymEnvironment`), and turns the
/// `Interruption` that ends the work into one line on standard error and exit status 130 (SIGINT) or 143 (SIGTERM).
enum Interruptible {
    /// Runs `body` with stop requests installed; an `Interruption` becomes `ExitCode(128 + signal)`.
    static func run<T>(_ body: () throws -> T) throws -> T {
        StopRequest.install()
        do {
            return try body()
        } catch let interruption as Interruption {
            printError("\(interruption)")
            throw ExitCode(128 + interruption.signal)
        }
    }
}
