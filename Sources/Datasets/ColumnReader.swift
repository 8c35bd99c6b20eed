/// Reads the columns of one HDF5 file with the checks every format shares (row counts against a
/// reference key, shapes, finite values), and collects the notes (float64 converted).
struct ColumnReader {
    let file: HDF5File
    /// Keys (without their episode group) that were float64, in the order first met.
    private(set) var convertedKeys: [String] = []

    init(file: HDF5File) {
        self.file = file
    }

    var notes: [String] {
        convertedKeys.map { "key '\($0)' was float64; converted to float32 (an export writes float32)" }
    }

    /// A float key: with `rows`, its row count must equal it (`reference` is the key it came from);
    /// `scalar` keys hold one value per row, shape (N,) or (N, 1). `noteName` names the key in notes.
    mutating func floats(_ key: String, rows: Int? = nil, reference: String = "", scalar: Bool = false,
                         allowingNaN: Bool = false, noteName: String? = nil) throws -> HDF5FloatColumn {
        let column = try file.readFloats(key)
        if let rows, column.rows != rows {
            throw DatasetError.unequalLength(path: file.path, key: key, rows: column.rows, reference: reference, expected: rows)
        }
        if scalar && column.width != 1 || column.shape.count > 1 && column.width == 0 {
            throw DatasetError.wrongShape(path: file.path, key: key, shape: column.shape, expected: scalar ? "(\(column.rows),)" : "(rows, values per row)")
        }
        if column.wasDouble {
            let name = noteName ?? key
            if !convertedKeys.contains(name) { convertedKeys.append(name) }
        }
        if let bad = column.firstNonFinite(allowingNaN: allowingNaN) {
            throw DatasetError.nonFinite(path: file.path, key: key, row: bad.row, component: bad.component, value: Double(bad.value))
        }
        return column
    }

    /// A flag key whose row count must equal `rows`.
    func flags(_ key: String, rows: Int, reference: String) throws -> HDF5FlagColumn {
        let column = try file.readFlags(key)
        if column.rows != rows {
            throw DatasetError.unequalLength(path: file.path, key: key, rows: column.rows, reference: reference, expected: rows)
        }
        return column
    }
}
