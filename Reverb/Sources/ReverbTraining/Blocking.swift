import Foundation
import Synchronization

/// The wait of `blocking(abandoningWhen:_:)` was given up; the call it waited for may still complete later.
public struct AbandonedWait: Error, CustomStringConvertible {
    public var description: String { "the call was abandoned on a stop request" }
}

/// Runs `body` on the concurrency pool and waits for it on the calling thread: how the synchronous training
/// loop and actor loop call the async Reverb client. Never call it from inside a task. With `abandon`, checked
/// every 0.2 s while waiting, a true ends the wait with `AbandonedWait` (a call the rate limiter holds back
/// would otherwise keep a stopping process waiting).
public func blocking<T: Sendable>(abandoningWhen abandon: (() -> Bool)? = nil, _ body: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Mutex<Result<T, any Error>?>(nil)
    let done = DispatchSemaphore(value: 0)
    Task {
        let result: Result<T, any Error>
        do { result = .success(try await body()) } catch { result = .failure(error) }
        outcome.withLock { $0 = result }
        done.signal()
    }
    if let abandon {
        while done.wait(timeout: .now() + 0.2) == .timedOut {
            if abandon() { throw AbandonedWait() }
        }
    } else {
        done.wait()
    }
    return try outcome.withLock { $0! }.get()
}
