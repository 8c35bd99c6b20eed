import Foundation

/// Creating a store's directory (and its missing parents) with `mkdir`, and undoing exactly that.
enum StoreDirectory {
    /// The files a store directory can hold: LMDB's two and the writer lock.
    static let storeFiles = ["data.mdb", "lock.mdb", StoreWriterLock.fileName]

    /// Creates `path` and any missing parent, like `mkdir -p`; returns the directories it created,
    /// outermost first (empty when `path` already existed). Throws `fileSystem` with `strerror`'s text.
    /// The folder above `path` as written ("" for a relative path of one component, "/" for one just below
    /// the root), trailing slashes ignored. Pure string work: Foundation's `deletingLastPathComponent`
    /// traps on a one-character relative path such as "s".
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        var above = trimmed[..<slash]
        while above.hasSuffix("/") { above.removeLast() }
        return above.isEmpty ? "/" : String(above)
    }

    static func make(_ path: String) throws -> [String] {
        guard !path.isEmpty else {
            throw ReplayStoreError.fileSystem(operation: "create a store at", path: "\"\"", message: "the path is empty")
        }
        var missing: [String] = []
        var current = path
        while !current.isEmpty && current != "/" {
            var status = stat()
            if stat(current, &status) == 0 {
                guard status.st_mode & S_IFMT == S_IFDIR else {
                    throw ReplayStoreError.fileSystem(operation: "create the store directory", path: path,
                                                      message: "\(current) exists and is not a directory")
                }
                break
            }
            missing.append(current)
            current = parent(of: current)
        }
        var created: [String] = []
        for directory in missing.reversed() {
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                let message = String(cString: strerror(errno))
                remove(created)
                throw ReplayStoreError.fileSystem(operation: "create the directory", path: directory, message: message)
            }
            created.append(directory)
        }
        return created
    }

    /// Removes what `make` created: the store files in the innermost directory, then the directories
    /// (only while empty, so nothing else is ever deleted).
    static func remove(_ created: [String]) {
        guard let innermost = created.last else { return }
        for file in storeFiles { unlink(innermost + "/" + file) }
        for directory in created.reversed() where rmdir(directory) != 0 { break }
    }
}
