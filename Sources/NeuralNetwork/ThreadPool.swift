internal import CVectorKernels

/// Independent pieces of work on the threads that `BLAS.useThreads(_:)` allows: the pool that also runs
/// the cut matrix products.
public enum ThreadPool {
    /// Runs body(0), …, body(parts − 1) and returns when all have returned. With several threads the parts
    /// run at once, each on whichever pool thread claims it (the caller included); with one thread, or
    /// when called from inside a part, on the caller in order. Parts must not touch each other's memory,
    /// and what a part computes must not depend on which thread runs it; products inside a part run on its
    /// thread alone.
    public static func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1, BLAS.threads > 1 else {
            for part in 0..<max(0, parts) { body(part) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = body
            withUnsafeMutablePointer(to: &job) { job in
                cvk_pool_run(parts, { context, part in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(part)
                }, job)
            }
        }
    }
}
