import XCTest
@testable import ReplayStore

/// The priority state record (versions 1 and 2) and the priority log record, byte by byte.
final class PriorityRecordFormatTests: XCTestCase {
    func testAVersionOneStateReadsWithAnEmptyLogAndIsWrittenAsVersionTwo() throws {
        // Version 1: u32 1, f32 2.5 (0x40200000), u64 generation 7.
        let v1: [UInt8] = [1, 0, 0, 0, 0x00, 0x00, 0x20, 0x40, 7, 0, 0, 0, 0, 0, 0, 0]
        let state = try v1.withUnsafeBytes { try PriorityState(bytes: $0) }
        XCTAssertEqual(state.maximumPriority, 2.5)
        XCTAssertEqual(state.generation, 7)
        XCTAssertEqual(state.loggedRows, 0)
        var next = state
        next.loggedRows = 300
        XCTAssertEqual(next.bytes, [2, 0, 0, 0, 0x00, 0x00, 0x20, 0x40, 7, 0, 0, 0, 0, 0, 0, 0, 0x2C, 0x01, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(try next.bytes.withUnsafeBytes { try PriorityState(bytes: $0) }, next)
    }

    func testUnknownVersionsAndSizesAreRefused() {
        let v3: [UInt8] = [3, 0, 0, 0] + [UInt8](repeating: 0, count: 20)
        XCTAssertThrowsError(try v3.withUnsafeBytes { try PriorityState(bytes: $0) }) { error in
            XCTAssertTrue("\(error)".contains("version 3"), "\(error)")
        }
        let shortV2: [UInt8] = [2, 0, 0, 0] + [UInt8](repeating: 0, count: 12)
        XCTAssertThrowsError(try shortV2.withUnsafeBytes { try PriorityState(bytes: $0) }) { error in
            XCTAssertTrue("\(error)".contains("16 bytes, expected 24"), "\(error)")
        }
    }

    func testALogRecordIsTwelveBytesARowAndRefusesABadPriority() throws {
        let record = PriorityLogRecord(indices: [5, 0x0102_0304_0506_0708], priorities: [1, 0.5])
        XCTAssertEqual(record.bytes, [5, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x80, 0x3F,
                                      8, 7, 6, 5, 4, 3, 2, 1, 0x00, 0x00, 0x00, 0x3F])
        XCTAssertEqual(try record.bytes.withUnsafeBytes { try PriorityLogRecord(bytes: $0, generation: 9) }, record)
        var bad = record.bytes
        bad[23] = 0xBF  // −0.5
        XCTAssertThrowsError(try bad.withUnsafeBytes { try PriorityLogRecord(bytes: $0, generation: 9) }) { error in
            XCTAssertTrue("\(error)".contains("generation 9") && "\(error)".contains("-0.5"), "\(error)")
        }
        XCTAssertThrowsError(try Array(record.bytes.prefix(13)).withUnsafeBytes { try PriorityLogRecord(bytes: $0, generation: 9) })
    }
}
