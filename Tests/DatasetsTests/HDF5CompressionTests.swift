import CHDF5
@testable import Datasets
import Foundation
import XCTest

/// How the writer stores columns: chunks of whole rows, shuffled and deflated; contiguous when a column has
/// no values (HDF5 refuses chunks of size 0) or the library cannot deflate.
final class HDF5CompressionTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try DatasetFixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private let shuffleThenDeflate: [H5Z_filter_t] = [H5Z_filter_t(H5Z_FILTER_SHUFFLE), H5Z_filter_t(H5Z_FILTER_DEFLATE)]

    /// Values of every bit pattern class a float column meets: signs, zeros, NaN, subnormals, large values.
    private func values(_ count: Int) -> [Float] {
        (0..<count).map { index in
            switch index % 7 {
            case 0: return Float(index) * 0.37 - 1_000
            case 1: return -0.0
            case 2: return .nan
            case 3: return Float.leastNonzeroMagnitude * Float(index % 13)
            case 4: return 3.4e38
            default: return sin(Float(index)) / 3
            }
        }
    }

    func testChunksHoldWholeRowsUpToTheLimit() {
        let compression = HDF5Compression.standard
        XCTAssertEqual(compression.level, 4)
        XCTAssertEqual(compression.chunkBytes, 262_144)
        XCTAssertEqual(compression.chunkShape(of: [20_000, 17], elementSize: 4), [3_855, 17], "⌊262144 / 68⌋ rows")
        XCTAssertEqual(compression.chunkShape(of: [1_000, 17], elementSize: 4), [1_000, 17], "a short column is one chunk")
        XCTAssertEqual(compression.chunkShape(of: [300_000], elementSize: 1), [262_144])
        XCTAssertEqual(compression.chunkShape(of: [5, 100_000], elementSize: 4), [1, 100_000], "a row larger than the limit is a chunk of its own")
        XCTAssertNil(compression.chunkShape(of: [0, 17], elementSize: 4))
        XCTAssertNil(compression.chunkShape(of: [10, 0], elementSize: 4))
    }

    func testThisLibraryDeflates() {
        XCTAssertEqual(HDF5Compression.available, .standard, "Debian's libhdf5 has deflate and shuffle built in")
    }

    /// Several chunks, the last one partial, read back bit-exactly; the dataset reports its filters and chunks.
    func testACompressedColumnReadsBackBitExactly() throws {
        let path = directory + "/compressed.hdf5"
        let rows = 10_000, observations = values(rows * 17)
        let flags = (0..<rows).map { $0 % 3 == 0 }
        let file = try HDF5File.create(path)
        try file.write(observations, shape: [rows, 17], to: "observations")
        try file.write(flags: flags, to: "terminals")
        try file.close()

        let observationStorage = TestHDF5File.storage(of: "observations", in: path)
        XCTAssertEqual(observationStorage.filters, shuffleThenDeflate)
        XCTAssertEqual(observationStorage.layout, H5D_CHUNKED)
        XCTAssertEqual(observationStorage.chunk, [3_855, 17])
        XCTAssertEqual(TestHDF5File.storage(of: "terminals", in: path).filters, shuffleThenDeflate)
        XCTAssertLessThan(try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int), rows * 17 * 4, "compressed")

        let read = try HDF5File.open(path)
        let column = try read.readFloats("observations")
        XCTAssertEqual(column.shape, [rows, 17])
        XCTAssertEqual(column.values.map(\.bitPattern), observations.map(\.bitPattern))
        XCTAssertEqual(try read.readFlags("terminals").values, flags)
        // A block that starts and ends inside chunks.
        let open = try read.openFloats("observations")
        let middle = try read.readFloats(open, rows: 3_000..<7_777)
        XCTAssertEqual(middle.values.map(\.bitPattern), observations[(3_000 * 17)..<(7_777 * 17)].map(\.bitPattern))
    }

    /// A column of 0 rows is written contiguous (a chunk of 0 rows does not exist) and reads back empty.
    func testAnEmptyColumnIsWrittenAndReadBack() throws {
        let path = directory + "/empty.hdf5"
        let file = try HDF5File.create(path)
        try file.write([], shape: [0, 3], to: "observations")
        try file.write(flags: [], to: "terminals")
        try file.close()
        XCTAssertEqual(TestHDF5File.storage(of: "observations", in: path).filters, [])
        XCTAssertEqual(TestHDF5File.storage(of: "observations", in: path).layout, H5D_CONTIGUOUS)
        let read = try HDF5File.open(path)
        let column = try read.readFloats("observations")
        XCTAssertEqual(column.shape, [0, 3])
        XCTAssertEqual(column.values, [])
        XCTAssertEqual(try read.readFlags("terminals").values, [])
    }

    /// Without compression (a library without deflate) columns are contiguous and unfiltered, and read the same.
    func testWithoutCompressionColumnsAreContiguous() throws {
        let path = directory + "/plain.hdf5"
        let observations = values(50 * 3)
        let file = try HDF5File.create(path, compression: nil)
        try file.write(observations, shape: [50, 3], to: "observations")
        try file.close()
        let storage = TestHDF5File.storage(of: "observations", in: path)
        XCTAssertEqual(storage.filters, [])
        XCTAssertEqual(storage.layout, H5D_CONTIGUOUS)
        XCTAssertEqual(try HDF5File.open(path).readFloats("observations").values.map(\.bitPattern), observations.map(\.bitPattern))
    }
}
