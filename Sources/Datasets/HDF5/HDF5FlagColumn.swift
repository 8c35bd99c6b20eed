/// A flag key (`terminals`, `timeouts`, `terminations`, `truncations`) read from an HDF5 file.
struct HDF5FlagColumn {
    var values: [Bool]
    var shape: [Int]

    var rows: Int { shape.first ?? 0 }
}
