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

    /// A float key, read whole: with `rows`, its row count must equal it (`reference` is the key it came
    /// from); `scalar` keys hold one value per row, shape (N,) or (N, 1). `noteName` names the key in notes.
    mutating func floats(_ key: String, rows: Int? = nil, reference: String = "", scalar: Bool = false,
                         allowingNaN: Bool = false, noteName: String? = nil) throws -> HDF5FloatColumn {
        let column = try openFloats(key, rows: rows, reference: reference, scalar: scalar, noteName: noteName)
        return try floats(column, rows: 0..<column.rows, allowingNaN: allowingNaN, accumulating: true)
    }

    /// A float key opened for reading in blocks, with the checks of `floats(_:rows:reference:scalar:allowingNaN:noteName:)`
    /// that need no values (row count, shape; a float64 key is noted).
    mutating func openFloats(_ key: String, rows: Int? = nil, reference: String = "", scalar: Bool = false,
                             noteName: String? = nil) throws -> HDF5OpenColumn {
        let column = try file.openFloats(key)
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
        return column
    }

    /// Rows `rows` of a float key opened by `openFloats`, checked for NaN and ±∞ (NaN allowed when
    /// `allowingNaN`); rows in errors count from the key's first row. Only these rows must fit the
    /// memory limit unless `accumulating`.
    func floats(_ column: HDF5OpenColumn, rows: Range<Int>, allowingNaN: Bool = false, accumulating: Bool = false) throws -> HDF5FloatColumn {
        let values = try file.readFloats(column, rows: rows, accumulating: accumulating)
        if let bad = values.firstNonFinite(allowingNaN: allowingNaN) {
            throw DatasetError.nonFinite(path: file.path, key: column.key, row: rows.lowerBound + bad.row, component: bad.component, value: Double(bad.value))
        }
        return values
    }

    /// A flag key whose row count must equal `rows`, read whole.
    func flags(_ key: String, rows: Int, reference: String) throws -> HDF5FlagColumn {
        let column = try openFlags(key, rows: rows, reference: reference)
        return try file.readFlags(column, rows: 0..<column.rows, accumulating: true)
    }

    /// A flag key whose row count must equal `rows`, opened for reading in blocks (`HDF5File.readFlags(_:rows:)`).
    func openFlags(_ key: String, rows: Int, reference: String) throws -> HDF5OpenColumn {
        let column = try file.openFlags(key)
        if column.rows != rows {
            throw DatasetError.unequalLength(path: file.path, key: key, rows: column.rows, reference: reference, expected: rows)
        }
        return column
    }
}
