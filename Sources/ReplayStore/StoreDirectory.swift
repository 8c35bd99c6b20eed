import Foundation

/// Creating a store's directory (and its missing parents) with `mkdir`, and undoing exactly that.
enum StoreDirectory {
    /// The files a store directory can hold: LMDB's two and the writer lock.
    static let storeFiles = ["data.mdb", "lock.mdb", StoreWriterLock.fileName]

    /// Creates `path` and any missing parent, like `mkdir -p`; returns the directories it created,
    /// outermost first (empty when `path` already existed). Throws `fileSystem` with `strerror`'s text.
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
            current = (current as NSString).deletingLastPathComponent
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
