internal import CHDF5

/// A key of an HDF5 file opened for reading in blocks of rows (`HDF5File.openFloats`, `openFlags`):
/// its shape, type and declared size against the file's storage are checked; nothing of its values
/// is read until `HDF5File.readFloats(_:rows:)` or `readFlags(_:rows:)`.
struct HDF5OpenColumn {
    let key: String
    /// The dataset's shape; rows are `shape[0]`.
    let shape: [Int]
    let dataset: HDF5Handle
    /// Keeps a memory type the column owns (a flag enum's native type) open.
    let type: HDF5Handle
    /// The type values are read as.
    let memoryType: hid_t
    /// A float column stored as float64 (converted to float32 when read).
    let wasDouble: Bool
    /// A flag column's type class (enum, integer or float); `H5T_NO_CLASS` for a float column.
    var flagClass: H5T_class_t = H5T_NO_CLASS

    var rows: Int { shape.first ?? 0 }
    /// Values per row: the product of the dimensions after the first.
    var width: Int { shape.dropFirst().reduce(1, *) }
}
