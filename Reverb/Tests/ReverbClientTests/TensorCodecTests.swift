import XCTest
@testable import ReverbClient
@testable import ReverbProtos

final class TensorCodecTests: XCTestCase {
    /// Snappy's block format for a short input: the uncompressed length as a varint, then one literal whose tag is
    /// (length − 1) << 2 (format_description.txt of snappy), then the bytes.
    func testSnappyLiteralBlockByHand() throws {
        let bytes: [UInt8] = [1, 2, 3, 4]
        let block = try bytes.withUnsafeBytes { try Snappy.compress($0) }
        XCTAssertEqual(block, [0x04, 0x0C, 1, 2, 3, 4])
        XCTAssertEqual(try Snappy.uncompress(block, expectedCount: 4, what: "t"), bytes)
    }

    func testSnappyRejectsWrongLengthAndCorruptBlocks() {
        XCTAssertThrowsError(try Snappy.uncompress([0x04, 0x0C, 1, 2, 3, 4], expectedCount: 8, what: "tensor 0 of chunk 9")) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("tensor 0 of chunk 9 holds 4 bytes once uncompressed, expected 8"))
        }
        // The literal says 4 bytes follow; only 2 do.
        XCTAssertThrowsError(try Snappy.uncompress([0x04, 0x0C, 1, 2], expectedCount: 4, what: "t"))
        XCTAssertThrowsError(try Snappy.uncompress([], expectedCount: 0, what: "t"))
    }

    func testFloatColumnRoundTripsWithShapeAndDtype() throws {
        let values: [Float] = [1.5, -2, .nan, 4, 5, 6]
        let tensor = try values.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: 2, width: 3, scalar: false) }
        XCTAssertEqual(tensor.dtype, .dtFloat)
        XCTAssertEqual(tensor.tensorShape.dim.map(\.size), [2, 3])
        let column = try TensorCodec.decode(tensor, what: "t")
        XCTAssertEqual(column.rows, 2)
        XCTAssertEqual(column.rowShape, [3])
        let decoded = column.bytes.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        XCTAssertEqual(decoded.map(\.bitPattern), values.map(\.bitPattern))
        // 1.5 is 0x3FC00000: its little-endian bytes come first in the tensor's contents.
        XCTAssertEqual(Array(column.bytes[0..<4]), [0x00, 0x00, 0xC0, 0x3F])
    }

    func testBoolColumnIsOneByteEach() throws {
        let values = [true, false, true]
        let tensor = try values.withUnsafeBufferPointer { try TensorCodec.encode(booleans: $0) }
        XCTAssertEqual(tensor.dtype, .dtBool)
        XCTAssertEqual(tensor.tensorShape.dim.map(\.size), [3])
        XCTAssertEqual([UInt8](tensor.tensorContent), [0x03, 0x08, 1, 0, 1])
        XCTAssertEqual(try TensorCodec.decode(tensor, what: "t").bytes, [1, 0, 1])
    }

    func testDecodeRefusesOtherDtypesAndShapesThatDisagree() throws {
        var tensor = try [Float(1), 2].withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: 2, width: 1, scalar: true) }
        tensor.dtype = .dtDouble
        XCTAssertThrowsError(try TensorCodec.decode(tensor, what: "tensor 2 of chunk 7")) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("tensor 2 of chunk 7 has dtype dtDouble, expected float32, bool, uint8 or int64"))
        }
        tensor.dtype = .dtFloat
        tensor.tensorShape = TensorCodec.shape([3])
        XCTAssertThrowsError(try TensorCodec.decode(tensor, what: "t")) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("t holds 8 bytes once uncompressed, expected 12"))
        }
        tensor.tensorShape = TensorCodec.shape([])
        XCTAssertThrowsError(try TensorCodec.decode(tensor, what: "t")) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("t has no leading (time) dimension"))
        }
        tensor.tensorShape = TensorCodec.shape([1 << 20, 1 << 20])
        XCTAssertThrowsError(try TensorCodec.decode(tensor, what: "t")) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("t declares a shape [1048576, 1048576] too large to hold"))
        }
    }
}
