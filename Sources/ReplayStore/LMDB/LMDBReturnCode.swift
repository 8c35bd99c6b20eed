/// LMDB return codes the store tells apart (checked against lmdb.h by `LMDBFlagsTests`).
enum LMDBReturnCode: Int32, Sendable {
    case success = 0
    case keyExists = -30799
    case notFound = -30798
    /// A page is not what LMDB expects (`MDB_CORRUPTED`).
    case corrupted = -30796
    /// A page number past the end of the snapshot (`MDB_PAGE_NOTFOUND`).
    case pageNotFound = -30797
    case mapFull = -30792
    case mapResized = -30785
}
