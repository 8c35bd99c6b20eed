import Foundation

/// The file-system steps the readers and writers take, each failing as a `DatasetError` with
/// `strerror`'s text (never a raw Foundation error).
enum FileOperations {
    /// The text of the current `errno`.
    static var lastError: String { String(cString: strerror(errno)) }

    /// Whether anything (a file, a directory, a dangling symbolic link) is at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a directory (following symbolic links).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Refuses anything at `path` but a regular file (following symbolic links): a directory, a FIFO
    /// (opening it would wait for a writer), a device or a socket.
    static func checkRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DatasetError.notADataset(path: path, reason: lastError) }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let name = kind == S_IFDIR ? "a directory" : kind == S_IFIFO ? "a FIFO" : kind == S_IFCHR || kind == S_IFBLK ? "a device" : "not a regular file"
            throw DatasetError.notADataset(path: path, reason: "it is \(name), not a regular file")
        }
    }

    /// The contents of the regular file `path`, at most `limit` bytes.
    static func readSmallFile(_ path: String, limit: Int = 64 << 20) throws -> Data {
        try checkRegularFile(path)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError.notADataset(path: path, reason: lastError) }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        guard data.count <= limit else { throw DatasetError.notADataset(path: path, reason: "it is larger than \(limit) bytes") }
        return data
    }

    /// `path` with every symbolic link of its existing part resolved, absolute and without `.` or `..`.
    static func resolvedPath(_ path: String) -> String {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        var missing: [String] = []
        while !exists(url.path), url.path != "/" {
            missing.insert(url.lastPathComponent, at: 0)
            url.deleteLastPathComponent()
        }
        var resolved = url.path
        if let real = realpath(url.path, nil) {
            resolved = String(cString: real)
            free(real)
        }
        for component in missing { resolved = (resolved == "/" ? "" : resolved) + "/" + component }
        return resolved
    }

    /// Whether `path` is `directory` or lies inside it, symbolic links resolved.
    static func path(_ path: String, isInside directory: String) -> Bool {
        let inner = resolvedPath(path), outer = resolvedPath(directory)
        return inner == outer || inner.hasPrefix(outer == "/" ? "/" : outer + "/")
    }

    /// Moves `source` to `destination`. Unless `replacing`, an existing `destination` is never
    /// replaced, even one that appeared since it was last checked (a hard link to the new name, then
    /// the old name removed; `rename` after a fresh check where the file system has no hard links).
    static func move(_ source: String, to destination: String, replacing: Bool = false) throws {
        if !replacing {
            if link(source, destination) == 0 {
                unlink(source)
                return
            }
            let reason = errno
            guard reason != EEXIST else {
                throw DatasetError.outputRefused(path: destination, reason: "it appeared while this command was writing; it was left as it is")
            }
            guard reason == EPERM || reason == ENOTSUP || reason == EXDEV || reason == EMLINK || reason == ENOSYS else {
                throw DatasetError.fileSystem(operation: "move \(source) to", path: destination, message: String(cString: strerror(reason)))
            }
            if exists(destination) {
                throw DatasetError.outputRefused(path: destination, reason: "it appeared while this command was writing; it was left as it is")
            }
        }
        if Foundation.rename(source, destination) != 0 {
            throw DatasetError.fileSystem(operation: "move \(source) to", path: destination, message: lastError)
        }
    }

    /// Moves the directory `source` to `destination`, which must not exist (`rename` refuses to replace
    /// a directory that holds anything; an existing one is checked for first).
    static func moveDirectory(_ source: String, to destination: String) throws {
        if exists(destination) {
            throw DatasetError.outputRefused(path: destination, reason: "it appeared while this command was writing; it was left as it is")
        }
        if Foundation.rename(source, destination) != 0 {
            throw DatasetError.fileSystem(operation: "move \(source) to", path: destination, message: lastError)
        }
    }

    /// Creates `path` and its missing parents; returns the outermost directory it created (nil when
    /// `path` existed), so that a failed writer can remove exactly what it made.
    @discardableResult
    static func makeDirectory(_ path: String) throws -> String? {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        if isDirectory(url.path) { return nil }
        if exists(url.path) {
            throw DatasetError.fileSystem(operation: "create the directory", path: path, message: "something that is not a directory is there")
        }
        let created = try makeDirectory(url.deletingLastPathComponent().path)
        guard mkdir(url.path, 0o777) == 0 || errno == EEXIST && isDirectory(url.path) else {
            let message = lastError
            if let created { try? FileManager.default.removeItem(atPath: created) }
            throw DatasetError.fileSystem(operation: "create the directory", path: path, message: message)
        }
        return created ?? url.path
    }

    /// Writes `data` to the new file `path` (which must not exist) and syncs it.
    static func write(_ data: Data, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw DatasetError.fileSystem(operation: "create", path: path, message: lastError) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw DatasetError.fileSystem(operation: "write", path: path, message: lastError) }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw DatasetError.fileSystem(operation: "write", path: path, message: lastError) }
    }

    /// Refuses to start writing about `bytes` into `directory` when its file system has less free space.
    static func checkFreeSpace(_ bytes: Int, in directory: String, for output: String) throws {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return }
        let available = Int(clamping: UInt64(info.f_bavail) &* UInt64(info.f_frsize))
        if bytes > available { throw DatasetError.notEnoughSpace(path: output, neededBytes: bytes, availableBytes: available) }
    }

    /// `path` itself when it exists, else its nearest ancestor that does (where an output's missing
    /// folders will be created, and whose file system it will be written to).
    static func nearestExisting(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL.path
        while !exists(existing) && existing != "/" { existing = parent(of: existing) }
        return existing
    }

    /// The directory an output file `path` goes into.
    static func parent(of path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
    }
}

extension FileOperations {
    /// Refuses an output that is one of `inputs`, lies inside one, or contains one (`contained`: the
    /// part of the output the writer replaces, such as a Minari directory's `data/`).
    static func checkNotAnInput(_ output: String, contained: String? = nil, inputs: [String]) throws {
        for input in inputs {
            if path(output, isInside: input) {
                let same = resolvedPath(output) == resolvedPath(input)
                throw DatasetError.outputRefused(path: output, reason: "\(same ? "it is" : "it lies inside") \(input), an input of this command; choose a path outside it")
            }
            if path(input, isInside: contained ?? output) {
                throw DatasetError.outputRefused(path: output, reason: "writing it would replace \(input), an input of this command; choose another path")
            }
        }
    }

    /// Refuses to write the file `path` where a directory is, or over an existing file unless `replacing`.
    /// Anything but a regular file (a device such as /dev/null, a FIFO, a socket, also through a symbolic
    /// link) is refused even when `replacing`: renaming the written file over it would replace the device.
    static func checkNewFile(_ path: String, replacing: Bool) throws {
        guard exists(path) else { return }
        if isDirectory(path) { throw DatasetError.outputRefused(path: path, reason: "it is a directory; name a file to write") }
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            let kind = info.st_mode & S_IFMT
            let name = kind == S_IFIFO ? "a FIFO" : kind == S_IFCHR || kind == S_IFBLK ? "a device" : "not a regular file"
            throw DatasetError.outputRefused(path: path, reason: "it is \(name), which is never replaced; name a regular file to write")
        }
        if !replacing { throw DatasetError.outputRefused(path: path, reason: "it exists; choose a new path, or replace it with --force") }
    }

    /// A temporary name beside `path`, in the same directory so that renaming it into place is atomic.
    static func temporaryName(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())").path
    }
}
