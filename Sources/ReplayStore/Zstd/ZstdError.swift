internal import CZstd

/// Turns a zstd result into a value or a thrown `ReplayStoreError.zstd` with `ZSTD_getErrorName`'s text.
/// Every zstd call in the module goes through here.
@inline(__always)
@discardableResult
func check(zstd result: Int, _ operation: @autoclosure () -> String) throws -> Int {
    if ZSTD_isError(result) != 0 {
        throw ReplayStoreError.zstd(operation: operation(), message: String(cString: ZSTD_getErrorName(result)))
    }
    return result
}
