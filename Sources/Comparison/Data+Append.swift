import Foundation

extension Data {
    /// Appends to `file`, creating it if needed.
    func append(to file: URL) throws {
        let handle = try RunScheduler.appending(to: file)
        defer { try? handle.close() }
        handle.write(self)
    }
}
