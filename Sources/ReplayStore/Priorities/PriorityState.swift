/// The optional `priorities` record of the `meta` database, 16 bytes little-endian. Its presence says
/// that the store keeps priorities (every append then writes the new rows' priorities too):
///
/// | offset | field |
/// |---|---|
/// | 0 | u32 version, 1 |
/// | 4 | f32 maximum priority: what a new transition receives (1 at first; never decreases) |
/// | 8 | u64 generation: incremented by every commit that changes a priority |
struct PriorityState: Equatable {
    static let size = 16
    static let version: UInt32 = 1
    /// The priority of the first transitions, before any update (Schaul et al.'s p₁ = 1).
    static let initialMaximumPriority: Float = 1

    var maximumPriority: Float = PriorityState.initialMaximumPriority
    var generation: UInt64 = 0

    init() {}

    init(bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count == Self.size else {
            throw ReplayStoreError.corruptStore(reason: "the priorities record has \(bytes.count) bytes, expected \(Self.size)")
        }
        let version = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
        guard version == Self.version else {
            throw ReplayStoreError.corruptStore(reason: "the priorities record has version \(version); this build reads version \(Self.version)")
        }
        maximumPriority = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        generation = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
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
        }
        return result
    }
}
