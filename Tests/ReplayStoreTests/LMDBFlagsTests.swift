import CLMDB
import XCTest
@testable import ReplayStore

/// The Swift spellings of LMDB's flags and return codes must equal the C constants.
final class LMDBFlagsTests: XCTestCase {
    func testEnvironmentFlagsEqualTheCConstants() {
        XCTAssertEqual(LMDBEnvironmentFlags.noSync.rawValue, UInt32(MDB_NOSYNC))
        XCTAssertEqual(LMDBEnvironmentFlags.readOnly.rawValue, UInt32(MDB_RDONLY))
        XCTAssertEqual(LMDBEnvironmentFlags.noMetaSync.rawValue, UInt32(MDB_NOMETASYNC))
        XCTAssertEqual(LMDBEnvironmentFlags.noLock.rawValue, UInt32(MDB_NOLOCK))
        XCTAssertEqual(LMDBEnvironmentFlags.noThreadLocalStorage.rawValue, UInt32(MDB_NOTLS))
        XCTAssertEqual(LMDBEnvironmentFlags.noReadAhead.rawValue, UInt32(MDB_NORDAHEAD))
        XCTAssertEqual(LMDBDatabaseFlags.create.rawValue, UInt32(MDB_CREATE))
    }

    func testReturnCodesEqualTheCConstants() {
        XCTAssertEqual(LMDBReturnCode.success.rawValue, MDB_SUCCESS)
        XCTAssertEqual(LMDBReturnCode.keyExists.rawValue, MDB_KEYEXIST)
        XCTAssertEqual(LMDBReturnCode.notFound.rawValue, MDB_NOTFOUND)
        XCTAssertEqual(LMDBReturnCode.corrupted.rawValue, MDB_CORRUPTED)
        XCTAssertEqual(LMDBReturnCode.pageNotFound.rawValue, MDB_PAGE_NOTFOUND)
        XCTAssertEqual(LMDBReturnCode.mapFull.rawValue, MDB_MAP_FULL)
        XCTAssertEqual(LMDBReturnCode.mapResized.rawValue, MDB_MAP_RESIZED)
    }

    func testCheckCarriesLMDBsOwnMessage() {
        XCTAssertThrowsError(try check(MDB_MAP_FULL, "test")) { error in
            guard case let ReplayStoreError.lmdb(operation, code, message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(operation, "test")
            XCTAssertEqual(code, MDB_MAP_FULL)
            XCTAssertTrue(message.contains("MDB_MAP_FULL"), message)
        }
    }
}
