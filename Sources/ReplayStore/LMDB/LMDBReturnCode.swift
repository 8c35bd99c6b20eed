/// LMDB return codes the store tells apart (checked against lmdb.h by `LMDBFlagsTests`).
enum LMDBReturnCode: Int32, Sendable {
    case success = 0
    case keyExists = -30799
    case notFound = -30798
    case mapFull = -30792
    case mapResized = -30785
}
