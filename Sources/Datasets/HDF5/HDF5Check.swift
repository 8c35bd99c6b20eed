internal import CHDF5

/// Turns an HDF5 return value (an identifier, `herr_t` or `htri_t`; negative means failure) into the
/// value or a thrown `DatasetError.hdf5` carrying the library's own messages from its error stack.
/// Every HDF5 call in the module goes through here.
@discardableResult
func check<Code: BinaryInteger>(_ result: Code, _ operation: @autoclosure () -> String, path: String) throws -> Code {
    guard result < 0 else { return result }
    throw DatasetError.hdf5(operation: operation(), path: path, message: HDF5Library.currentErrorMessage())
}
