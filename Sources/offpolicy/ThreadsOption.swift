import ArgumentParser
import NeuralNetwork

/// `--threads N`: the threads a process's learner updates may use (`BLAS.useThreads`: large matrix products
/// cut over them, the twin critics' work at once). The result of a run does not depend on it: the work on
/// several threads gives the same bits as on one.
struct ThreadsOption: ParsableArguments {
    @Option(name: .customLong("threads"), parsing: .unconditional,
            help: ArgumentHelp("Threads for the learner's updates (large matrix products, twin critics), 1 to \(BLAS.maximumThreads); results do not depend on it. Default: the cores this process may use, at most \(BLAS.defaultThreadCap) (here \(BLAS.defaultThreads)).",
                               valueName: "n"))
    var count: Int?

    func validate() throws {
        try Self.check(count)
    }

    /// Refuses 0, negative counts and more than `BLAS.maximumThreads`.
    static func check(_ count: Int?) throws {
        guard let count else { return }
        guard count >= 1, count <= BLAS.maximumThreads else {
            throw ValidationError("--threads must be a whole number from 1 to \(BLAS.maximumThreads), got \(count)")
        }
    }

    /// The count given, else `BLAS.defaultThreads`.
    var resolved: Int { count ?? BLAS.defaultThreads }

    /// Makes products (and learners made from now on) use `resolved` threads; returns the count in force.
    @discardableResult
    func apply() -> Int { BLAS.useThreads(resolved) }
}
