/// The optional `priorities` record of the `meta` database. Its presence says that the store keeps
/// priorities (every append then writes the new rows' priorities too). Version 2, 24 bytes little-endian:
///
/// | offset | field |
/// |---|---|
/// | 0 | u32 version, 2 |
/// | 4 | f32 maximum priority: what a new transition receives (1 at first; never decreases) |
/// | 8 | u64 generation: incremented by every commit that changes a priority |
/// | 16 | u64 logged rows: the rows in the `priority-log` database, not yet folded into the chunk records |
///
/// Version 1 (16 bytes, the first three fields) was written before the priority log existed; it reads as
/// version 2 with an empty log, and the next commit that changes a priority writes version 2. A build that
/// reads only version 1 refuses a version 2 record, so it never samples without the log.
struct PriorityState: Equatable {
    static let size = 24
    static let version: UInt32 = 2
    /// The priority of the first transitions, before any update (Schaul et al.'s p₁ = 1).
    static let initialMaximumPriority: Float = 1

    var maximumPriority: Float = PriorityState.initialMaximumPriority
    var generation: UInt64 = 0
    var loggedRows: UInt64 = 0

    init() {}

    init(bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count >= 4 else {
            throw ReplayStoreError.corruptStore(reason: "the priorities record has \(bytes.count) bytes, expected \(Self.size)")
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard version == 1 || version == Self.version else {
            throw ReplayStoreError.corruptStore(reason: "the priorities record has version \(version); this build reads versions 1 and \(Self.version)")
        }
        let expected = version == 1 ? 16 : Self.size
        guard bytes.count == expected else {
            throw ReplayStoreError.corruptStore(reason: "the priorities record (version \(version)) has \(bytes.count) bytes, expected \(expected)")
        }
        maximumPriority = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        generation = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        if version == Self.version { loggedRows = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self)) }
        guard maximumPriority.isFinite, maximumPriority >= 0 else {
            throw ReplayStoreError.corruptStore(reason: "the priorities record holds maximum priority \(maximumPriority)")
        }
    }

    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: Self.size)
        result.withUnsafeMutableBytes { buffer in
            buffer.storeBytes(of: Self.version.littleEndian, toByteOffset: 0, as: UInt32.self)
            buffer.storeBytes(of: maximumPriority.bitPattern.littleEndian, toByteOffset: 4, as: UInt32.self)
            buffer.storeBytes(of: generation.littleEndian, toByteOffset: 8, as: UInt64.self)
            buffer.storeBytes(of: loggedRows.littleEndian, toByteOffset: 16, as: UInt64.self)
        }
        return result
    }
}
