internal import CLMDB

/// Turns an LMDB return code into a thrown `ReplayStoreError.lmdb`, carrying `mdb_strerror`'s text.
/// Every LMDB call in the module goes through here.
@inline(__always)
func check(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code != 0 {
        throw ReplayStoreError.lmdb(operation: operation(), code: code, message: String(cString: mdb_strerror(code)))
    }
}
