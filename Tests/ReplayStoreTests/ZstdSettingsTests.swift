import CZstd
import Randomness
import XCTest
@testable import ReplayStore

final class ZstdSettingsTests: XCTestCase {
    /// The experimental literal-mode parameter is taken by the linked libzstd and reads back as set;
    /// if a future zstd renumbers it, this fails rather than silently slowing cold sampling.
    func testRawLiteralModeIsAcceptedByTheLinkedZstd() throws {
        let compressor = try ZstdCompressor(level: 1)
        XCTAssertTrue(compressor.storesLiteralsRaw)
        // Bytes from 16 values without repeats: Huffman coding halves them, raw literals cannot.
        var generator = SeededGenerator(seed: 1)
        let input = (0..<4096).map { _ in UInt8(generator.nextIndex(below: 16)) }
        var output = [UInt8](repeating: 0, count: ZstdCompressor.bound(input.count))
        let rawSize = try input.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { try compressor.compress(source, into: $0) }
        }
        let defaultSize = input.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { ZSTD_compress($0.baseAddress, $0.count, source.baseAddress, source.count, 1) }
        }
        XCTAssertGreaterThan(rawSize, 3_900, "literals stored raw")
        XCTAssertLessThan(defaultSize, 2_600, "zstd's default would Huffman-code them")
    }

    /// Frames carry zstd's content checksum and content size, as the format promises.
    func testFramesCarryChecksumAndContentSize() throws {
        let compressor = try ZstdCompressor(level: 1)
        let input = [UInt8]((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        var output = [UInt8](repeating: 0, count: ZstdCompressor.bound(input.count))
        let size = try input.withUnsafeBytes { source in
            try output.withUnsafeMutableBytes { try compressor.compress(source, into: $0) }
        }
        let frame = Array(output[0..<size])
        XCTAssertEqual(frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, size) }, 4096)
        // Frame header descriptor byte (after the 4-byte magic): bit 2 is the content checksum flag.
        XCTAssertEqual(frame[4] & 0x04, 0x04)
    }
}
