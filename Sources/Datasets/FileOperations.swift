import Foundation

/// The few file-system steps the writers take, each failing as `DatasetError.fileSystem` with `strerror`'s text.
enum FileOperations {
    static func rename(_ source: String, to destination: String) throws {
        if Foundation.rename(source, destination) != 0 {
            throw DatasetError.fileSystem(operation: "move \(source) to", path: destination, message: String(cString: strerror(errno)))
        }
    }

    /// Creates `path` and its missing parents.
    static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DatasetError.fileSystem(operation: "create the directory", path: path, message: error.localizedDescription)
        }
    }

    static func write(_ data: Data, to path: String) throws {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DatasetError.fileSystem(operation: "write", path: path, message: error.localizedDescription)
        }
    }
}
