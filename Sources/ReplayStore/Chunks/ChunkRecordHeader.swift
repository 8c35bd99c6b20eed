/// The fixed 32-byte header in front of every chunk's zstd frame (all fields little-endian):
///
/// | offset | type | field |
/// |---|---|---|
/// | 0 | 4 bytes | magic `OPC1` |
/// | 4 | u32 | rows in the chunk |
/// | 8 | u32 | rows whose next observation is stored explicitly |
/// | 12 | u32 | flags: bit 0 = pinned |
/// | 16 | u64 | global index of the chunk's first transition |
/// | 24 | u32 | decompressed payload size in bytes |
/// | 28 | u32 | reserved, 0 |
struct ChunkRecordHeader: Equatable {
    static let size = 32
    static let magic: (UInt8, UInt8, UInt8, UInt8) = (0x4F, 0x50, 0x43, 0x31)  // "OPC1"

    var rowCount: Int
    var storedNextObservationCount: Int
    var isPinned: Bool
    var firstTransition: UInt64
    var payloadSize: Int

    func write(to destination: UnsafeMutableRawPointer) {
        withUnsafeBytes(of: ChunkRecordHeader.magic) { destination.copyMemory(from: $0.baseAddress!, byteCount: 4) }
        destination.storeBytes(of: UInt32(rowCount).littleEndian, toByteOffset: 4, as: UInt32.self)
        destination.storeBytes(of: UInt32(storedNextObservationCount).littleEndian, toByteOffset: 8, as: UInt32.self)
        destination.storeBytes(of: UInt32(isPinned ? 1 : 0).littleEndian, toByteOffset: 12, as: UInt32.self)
        destination.storeBytes(of: firstTransition.littleEndian, toByteOffset: 16, as: UInt64.self)
        destination.storeBytes(of: UInt32(payloadSize).littleEndian, toByteOffset: 24, as: UInt32.self)
        destination.storeBytes(of: UInt32(0), toByteOffset: 28, as: UInt32.self)
    }

    /// Reads the header of chunk `chunkIndex`'s record; throws `corruptChunk` explaining why the bytes are not one.
    static func read(_ record: UnsafeRawBufferPointer, chunkIndex: UInt64, chunkLength: Int) throws -> ChunkRecordHeader {
        func failure(_ reason: String) -> ReplayStoreError {
            .corruptChunk(chunk: chunkIndex, firstTransition: chunkIndex &* UInt64(chunkLength), reason: reason)
        }
        guard record.count >= size else { throw failure("record of \(record.count) bytes is shorter than the \(size)-byte header") }
        guard record[0] == magic.0 && record[1] == magic.1 && record[2] == magic.2 && record[3] == magic.3 else {
            throw failure("bad magic \(Array(record[0..<4]))")
        }
        func u32(_ offset: Int) -> Int { Int(UInt32(littleEndian: record.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        let flags = u32(12)
        guard flags & ~1 == 0 else { throw failure("unknown header flags \(flags)") }
        return ChunkRecordHeader(
            rowCount: u32(4), storedNextObservationCount: u32(8), isPinned: flags & 1 != 0,
            firstTransition: UInt64(littleEndian: record.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
            payloadSize: u32(24))
    }
}
