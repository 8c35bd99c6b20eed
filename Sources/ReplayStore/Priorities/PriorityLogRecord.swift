/// One priority update as the `priority-log` database keeps it until it is folded into the chunk records:
/// the value under the key of the update's generation (`PriorityState.generation` after its commit). For
/// an update of n rows, 12n bytes: for each row in the update's order, a little-endian u64 global index and
/// a little-endian Float32 priority.
struct PriorityLogRecord: Equatable {
    static let bytesPerRow = 12

    var indices: [UInt64]
    var priorities: [Float]

    init(indices: [UInt64], priorities: [Float]) {
        self.indices = indices
        self.priorities = priorities
    }

    /// Decodes the record of generation `generation`; throws `corruptStore` unless it has 12 bytes a row,
    /// at least one row, each priority finite and ≥ 0.
    init(bytes: UnsafeRawBufferPointer, generation: UInt64) throws {
        func corrupt(_ reason: String) -> ReplayStoreError {
            .corruptStore(reason: "the priority log record of generation \(generation) \(reason)")
        }
        guard bytes.count > 0, bytes.count % Self.bytesPerRow == 0 else {
            throw corrupt("has \(bytes.count) bytes, not a positive multiple of \(Self.bytesPerRow)")
        }
        let rows = bytes.count / Self.bytesPerRow
        indices = []
        priorities = []
        indices.reserveCapacity(rows)
        priorities.reserveCapacity(rows)
        for row in 0..<rows {
            let offset = row * Self.bytesPerRow
            let priority = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)))
            guard priority.isFinite, priority >= 0 else { throw corrupt("holds priority \(priority) at row \(row)") }
            indices.append(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            priorities.append(priority)
        }
    }

    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: Self.bytesPerRow * indices.count)
        result.withUnsafeMutableBytes { buffer in
            for row in 0..<indices.count {
                buffer.storeBytes(of: indices[row].littleEndian, toByteOffset: row * Self.bytesPerRow, as: UInt64.self)
                buffer.storeBytes(of: priorities[row].bitPattern.littleEndian, toByteOffset: row * Self.bytesPerRow + 8, as: UInt32.self)
            }
        }
        return result
    }
}
