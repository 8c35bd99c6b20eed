/// A float key read from an HDF5 file, converted to float32.
struct HDF5FloatColumn {
    var values: [Float]
    /// The dataset's shape; rows are `shape[0]`.
    var shape: [Int]
    /// The file stored float64 (converted here, so an export writes float32).
    var wasDouble: Bool

    var rows: Int { shape.first ?? 0 }
    /// Values per row: the product of the dimensions after the first (1 for a one-dimensional key).
    var width: Int { shape.dropFirst().reduce(1, *) }

    /// The first NaN or ±∞ as (row, component, value); NaN is skipped when `allowingNaN`.
    func firstNonFinite(allowingNaN: Bool = false) -> (row: Int, component: Int, value: Float)? {
        let width = max(self.width, 1)
        return values.withUnsafeBufferPointer { buffer in
            for index in buffer.indices where !buffer[index].isFinite {
                if allowingNaN && buffer[index].isNaN { continue }
                return (index / width, index % width, buffer[index])
            }
            return nil
        }
    }
}
