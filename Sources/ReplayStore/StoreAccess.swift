/// Whether a process opens a store to write or only to read.
public enum StoreAccess: String, Codable, CaseIterable, Sendable {
    /// The process may append. It takes the store's writer lock (`writer.lock`, see `StoreWriterLock`)
    /// for as long as it keeps the store open: a second writer process is refused.
    case readWrite
    /// The process only reads (`MDB_RDONLY`): it never takes or waits for the writer lock, and it can read
    /// a store on a read-only file system or one it may not write to.
    case readOnly
}
