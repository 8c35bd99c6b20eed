/// The stored priorities of one chunk: the value under the chunk's key in the `priorities` database.
/// For a chunk of n rows, 5n bytes: n little-endian Float32 priorities (row order), then n flag bytes
/// (bit 0: the transition is a demonstration; the other bits are 0).
struct PriorityRecord: Equatable {
    var priorities: [Float]
    var demonstrations: [Bool]

    init(priorities: [Float], demonstrations: [Bool]) {
        self.priorities = priorities
        self.demonstrations = demonstrations
    }

    /// Decodes a record of chunk `chunk`; throws `corruptStore` unless it has at most `chunkLength`
    /// rows, each a finite priority ≥ 0 with a known flag.
    init(bytes: UnsafeRawBufferPointer, chunk: UInt64, chunkLength: Int) throws {
        func corrupt(_ reason: String) -> ReplayStoreError {
            .corruptStore(reason: "the priority record of chunk \(chunk) \(reason)")
        }
        guard bytes.count % 5 == 0, bytes.count / 5 <= chunkLength else {
            throw corrupt("has \(bytes.count) bytes, not 5 per row for at most \(chunkLength) rows")
        }
        let rows = bytes.count / 5
        priorities = (0..<rows).map { Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        demonstrations = []
        demonstrations.reserveCapacity(rows)
        for row in 0..<rows {
            let flag = bytes[4 * rows + row]
            guard flag <= 1 else { throw corrupt("has flag byte \(flag) at row \(row)") }
            demonstrations.append(flag == 1)
            guard priorities[row].isFinite, priorities[row] >= 0 else { throw corrupt("holds priority \(priorities[row]) at row \(row)") }
        }
    }

    var bytes: [UInt8] {
        let rows = priorities.count
        var result = [UInt8](repeating: 0, count: 5 * rows)
        result.withUnsafeMutableBytes { buffer in
            for row in 0..<rows {
                buffer.storeBytes(of: priorities[row].bitPattern.littleEndian, toByteOffset: 4 * row, as: UInt32.self)
                buffer[4 * rows + row] = demonstrations[row] ? 1 : 0
            }
        }
        return result
    }
}
