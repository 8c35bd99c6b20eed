import Environments
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One child Python process running the bridge script, and the two pipes to it.
///
/// Requests go to the child's standard input, replies come from its standard output; its standard
/// error goes to an unlinked temporary file whose last lines every failure message quotes. Every
/// descriptor is close-on-exec, so a second bridged environment never inherits the first one's pipes
/// (its end of input would then never come). Closing the request pipe ends the child.
///
/// Every wait for a reply is bounded: `beginCall(_:)` starts a call's clock, and a reply that has not come
/// within `callTimeout` seconds kills the child and throws `GymBridgeError.timedOut`. A stop request
/// (`StopRequest`) gives the call `StopRequest.grace` seconds more, then kills the child and throws
/// `Interruption`. The child dies with this process, also after kill -9: the bridge script asks the kernel
/// for SIGKILL when its parent goes (`PR_SET_PDEATHSIG`), and exits at once when its parent is already gone.
final class BridgeProcess {
    let id: String
    /// Seconds a call may wait for its reply.
    let callTimeout: Double
    private let pid: pid_t
    private var requestDescriptor: Int32
    private let replyDescriptor: Int32
    private let errorDescriptor: Int32
    /// Bytes read from the child; `storage[start..<end]` are not yet consumed.
    private var storage = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var exited = false
    /// The call being waited on ("step 12 of its episode"), when its clock started, and when a stop request was first seen during it.
    private var call = "start (gymnasium.make)"
    private var callStart = ContinuousClock.now
    private var stopSeen: ContinuousClock.Instant?

    /// Starts `python -c <script> id parent-pid`. `python` is `$OFFPOLICY_PYTHON` when unset, else `python3` (PATH).
    /// The start (until the spaces are read) is the first call, under `callTimeout`.
    init(id: String, python: String? = nil, callTimeout: Double) throws {
        self.id = id
        self.callTimeout = callTimeout
        let python = python ?? ProcessInfo.processInfo.environment["OFFPOLICY_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        // A write to a child that has died must come back as EPIPE, not kill this process.
        signal(SIGPIPE, SIG_IGN)

        var requestPipe: [Int32] = [-1, -1], replyPipe: [Int32] = [-1, -1]
        guard pipe(&requestPipe) == 0 else { throw Self.systemError("pipe") }
        guard pipe(&replyPipe) == 0 else {
            close(requestPipe[0]); close(requestPipe[1])
            throw Self.systemError("pipe")
        }
        var template = Array("\(NSTemporaryDirectory())/offpolicy-gym-stderr-XXXXXX".utf8CString)
        let errorFile = mkstemp(&template)
        guard errorFile >= 0 else {
            for descriptor in requestPipe + replyPipe { close(descriptor) }
            throw Self.systemError("mkstemp")
        }
        // (glibc's pipe2 and mkostemp, which set this atomically, are not visible from Swift.)
        for descriptor in requestPipe + replyPipe + [errorFile] { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        unlink(String(cString: template))  // the open descriptor keeps it readable; nothing is left behind

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, requestPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, replyPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorFile, 2)
        let arguments = [python, "-c", BridgeScript.source, id, String(getpid())]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawnp(&child, python, &actions, nil, &argv, environ)
        close(requestPipe[0])
        close(replyPipe[1])
        guard status == 0 else {
            close(requestPipe[1]); close(replyPipe[0]); close(errorFile)
            throw GymBridgeError.pythonNotFound(python: python)
        }
        pid = child
        requestDescriptor = requestPipe[1]
        replyDescriptor = replyPipe[0]
        errorDescriptor = errorFile
        callStart = .now
    }

    deinit {
        if requestDescriptor >= 0 { close(requestDescriptor) }
        finish(waitingUpTo: 2)
        close(replyDescriptor)
        close(errorDescriptor)
    }

    // MARK: Calls

    /// Starts the clock of a call; `description` names it in a timeout's or an interruption's message
    /// ("step (step 12 of its episode)").
    func beginCall(_ description: String) {
        call = description
        callStart = .now
        stopSeen = nil
    }

    // MARK: Writing

    /// Writes a whole request.
    func send(_ bytes: [UInt8]) throws {
        guard requestDescriptor >= 0 else {
            throw GymBridgeError.childFailed(id: id, reason: "the Python process was stopped when an earlier call was abandoned", standardError: standardErrorTail())
        }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(requestDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("the Python process stopped reading requests (\(String(cString: strerror(errno))))")
                }
                offset += written
            }
        }
    }

    // MARK: Reading

    /// Makes `count` unread bytes available in `storage[start..<end]`, reading as much as the pipe holds at a time.
    private func fill(_ count: Int) throws {
        guard end - start < count else { return }
        if start > 0 {
            storage.replaceSubrange(0..<(end - start), with: storage[start..<end])
            end -= start
            start = 0
        }
        if storage.count < count { storage.append(contentsOf: repeatElement(0, count: count - storage.count)) }
        while end < count {
            try awaitReply()
            let received = storage.withUnsafeMutableBytes { read(replyDescriptor, $0.baseAddress! + end, $0.count - end) }
            if received > 0 {
                end += received
            } else if received < 0 && errno == EINTR {
                continue
            } else {
                throw failure(received == 0 ? "the Python process closed its output" : "reading from the Python process failed (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// Returns once the reply pipe has bytes (or its end) to read. Waits in slices of at most 50 ms; between
    /// them, abandons the call when its time is up or a stop request's grace has passed.
    private func awaitReply() throws {
        var entry = pollfd(fd: replyDescriptor, events: Int16(POLLIN), revents: 0)
        while true {
            let now = ContinuousClock.now
            let waited = TimeInterval(seconds(now - callStart))
            if StopRequest.isRequested {
                if stopSeen == nil { stopSeen = now }
                if TimeInterval(seconds(now - stopSeen!)) >= StopRequest.grace {
                    terminate()
                    throw Interruption(signal: StopRequest.signal, abandoned: "gym:\(id)'s \(call)")
                }
            }
            if waited >= callTimeout {
                terminate()
                throw GymBridgeError.timedOut(id: id, call: call, seconds: callTimeout, standardError: standardErrorTail())
            }
            let slice = Int32(max(1, min(50, ((callTimeout - waited) * 1000).rounded(.up))))
            let ready = poll(&entry, 1, slice)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw failure("waiting for the Python process failed (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// Kills the child (a call abandoned, a start refused); every later request fails.
    func terminate() {
        if requestDescriptor >= 0 {
            close(requestDescriptor)
            requestDescriptor = -1
        }
        guard !exited else { return }
        kill(pid, SIGKILL)
        finish(waitingUpTo: 2)
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    func readByte() throws -> UInt8 {
        try fill(1)
        defer { start += 1 }
        return storage[start]
    }

    func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        try fill(count)
        defer { start += count }
        return storage[start..<(start + count)]
    }

    func readUInt32() throws -> UInt32 {
        try readBytes(4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian
    }

    func readUInt64() throws -> UInt64 {
        try readBytes(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }.littleEndian
    }

    func readDouble() throws -> Double { Double(bitPattern: try readUInt64()) }

    func readFloats(_ count: Int) throws -> [Float] {
        let bytes = try readBytes(4 * count)
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }

    func readDoubles(_ count: Int) throws -> [Double] {
        let bytes = try readBytes(8 * count)
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }

    // MARK: Failure

    /// The child broke the protocol or went away: the error carries how it ended and the end of its standard error.
    func failure(_ reason: String) -> GymBridgeError {
        var reason = reason
        if requestDescriptor >= 0 {
            close(requestDescriptor)  // whatever it was doing, it gets no further request
            requestDescriptor = -1
        }
        if let ending = finish(waitingUpTo: 2) { reason += " (\(ending))" }
        return .childFailed(id: id, reason: reason, standardError: standardErrorTail())
    }

    /// The last `lines` lines the child wrote to standard error (at most 8 KiB of them).
    func standardErrorTail(lines: Int = 15) -> String {
        var info = stat()
        guard fstat(errorDescriptor, &info) == 0 else { return "" }
        let size = Int(info.st_size), length = Swift.min(size, 8192)
        guard length > 0 else { return "" }
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes { pread(errorDescriptor, $0.baseAddress!, length, off_t(size - length)) }
        guard got > 0 else { return "" }
        let text = String(decoding: bytes[0..<got], as: UTF8.self)
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(separator: "\n")
    }

    /// Waits (up to `seconds`, then kills it) for the child to exit; describes how it ended, once.
    @discardableResult
    private func finish(waitingUpTo seconds: Double) -> String? {
        guard !exited else { return nil }
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { break }
            if result < 0 && errno != EINTR { exited = true; return nil }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                exited = true
                return "it did not exit and was killed"
            }
            usleep(2_000)
        }
        exited = true
        let signalNumber = status & 0x7f
        if signalNumber == 0 { return "exit status \((status >> 8) & 0xff)" }
        return "killed by signal \(signalNumber)"
    }

    private static func systemError(_ call: String) -> GymBridgeError {
        .childFailed(id: "", reason: "\(call) failed: \(String(cString: strerror(errno)))", standardError: "")
    }
}
