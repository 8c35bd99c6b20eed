import Foundation
import Randomness
import XCTest
@testable import NeuralNetwork

final class SafetensorsTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func testRoundTripIsBitExact() throws {
        let tensors = [
            Tensor(name: "latent_pi.0.weight", shape: [2, 3], values: [1, -2, 3.5, .pi, -0.0, 1e-38]),
            Tensor(name: "mu.bias", shape: [1], values: [Float(bitPattern: 0x7FC0_0001)]),
            Tensor(name: "empty", shape: [0], values: []),
        ]
        let file = directory.appendingPathComponent("t.safetensors")
        try Safetensors.write(tensors, metadata: ["algorithm": "sac", "quote\"d": "a\\b"], to: file)
        let (read, metadata) = try Safetensors.read(from: file)
        XCTAssertEqual(metadata, ["algorithm": "sac", "quote\"d": "a\\b"])
        XCTAssertEqual(Set(read.keys), ["latent_pi.0.weight", "mu.bias", "empty"])
        for tensor in tensors {
            XCTAssertEqual(read[tensor.name]!.shape, tensor.shape)
            XCTAssertEqual(read[tensor.name]!.values.map(\.bitPattern), tensor.values.map(\.bitPattern))
        }
    }

    /// The layout other readers rely on: u64 LE header length, JSON header padded to 8 bytes,
    /// F32 dtype, [begin, end) offsets relative to the data section, little-endian values.
    func testByteLayout() throws {
        let file = directory.appendingPathComponent("t.safetensors")
        try Safetensors.write([Tensor(name: "w", shape: [2], values: [1, -2])], to: file)
        let data = try Data(contentsOf: file)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        XCTAssertEqual(headerLength % 8, 0)
        let header = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let entry = header["w"] as! [String: Any]
        XCTAssertEqual(entry["dtype"] as? String, "F32")
        XCTAssertEqual(entry["shape"] as? [Int], [2])
        XCTAssertEqual(entry["data_offsets"] as? [Int], [0, 8])
        XCTAssertEqual(data.count, 8 + headerLength + 8)
        XCTAssertEqual(Array(data.suffix(8)), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    func testCorruptFilesGiveClearErrors() throws {
        let file = directory.appendingPathComponent("t.safetensors")
        try Safetensors.write([Tensor(name: "w", shape: [4], values: [1, 2, 3, 4])], to: file)
        let data = try Data(contentsOf: file)
        try data.prefix(data.count - 4).write(to: file)
        XCTAssertThrowsError(try Safetensors.read(from: file)) { error in
            XCTAssertTrue("\(error)".contains("tensor 'w'"), "\(error)")
        }
        try Data([1, 2, 3]).write(to: file)
        XCTAssertThrowsError(try Safetensors.read(from: file))
    }

    func testRegionsLoadChecksShapes() throws {
        var generator = SeededGenerator(seed: 1)
        let network = MLP(layerSizes: [3, 4, 2], generator: &generator)
        let regions = ParameterRegion.sequential(network, prefix: "mu.")
        XCTAssertEqual(regions.map(\.name), ["mu.0.weight", "mu.0.bias", "mu.2.weight", "mu.2.bias"])
        XCTAssertEqual(regions.map(\.shape), [[4, 3], [4], [2, 4], [2]])
        var tensors = Dictionary(uniqueKeysWithValues: ParameterRegion.tensors(regions, of: network.parameters).map { ($0.name, $0) })
        let other = MLP(layerSizes: [3, 4, 2], generator: &generator)
        try ParameterRegion.load(regions, into: other.parameters, from: tensors)
        XCTAssertEqual(other.parameters.values, network.parameters.values)
        tensors["mu.2.weight"] = Tensor(name: "mu.2.weight", shape: [4, 2], values: tensors["mu.2.weight"]!.values)
        XCTAssertThrowsError(try ParameterRegion.load(regions, into: other.parameters, from: tensors))
    }

    /// A file whose header was written by hand (or damaged): `header` JSON, then `dataBytes` zero bytes.
    private func fileWithHeader(_ header: String, dataBytes: Int = 16) throws -> URL {
        var header = header
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(Data(count: dataBytes))
        let file = directory.appendingPathComponent("hand.safetensors")
        try data.write(to: file)
        return file
    }

    /// Issue 7: a dimension of 2^62, or dimensions whose product overflows, trapped on arithmetic
    /// overflow or allocation. Each is now an error naming the tensor and the limit.
    func testAbsurdShapesAreErrorsNamingTheTensor() throws {
        let cases = [
            #"{"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[3037000500,3037000500,2],"data_offsets":[0,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[9223372036854775807,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[1e300],"data_offsets":[0,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[-9223372036854775808,16]}}"#,
            #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,18446744073709551615]}}"#,
        ]
        for header in cases {
            let file = try fileWithHeader(header)
            XCTAssertThrowsError(try Safetensors.read(from: file), header) { error in
                XCTAssertTrue("\(error)".contains("tensor 'w'"), "\(header): \(error)")
            }
        }
        let huge = try fileWithHeader(#"{"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,16]}}"#)
        XCTAssertThrowsError(try Safetensors.read(from: huge)) { error in
            XCTAssertTrue("\(error)".contains("limit"), "\(error)")
        }
    }

    /// A header length that claims more than the file holds, or more than any header needs.
    func testAbsurdHeaderLengthIsAnError() throws {
        var data = Data()
        withUnsafeBytes(of: UInt64.max.littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(count: 8))
        let file = directory.appendingPathComponent("h.safetensors")
        try data.write(to: file)
        XCTAssertThrowsError(try Safetensors.read(from: file)) { error in
            XCTAssertTrue("\(error)".contains("header length"), "\(error)")
        }
    }

    /// Issue 7, leftovers: `Data.write(options: .atomic)` leaves `.dat.nosync*` files behind when the
    /// process is killed mid-write. Safetensors writes through one fixed temporary name instead, which
    /// the next write reuses, so nothing accumulates and nothing is left after a completed write.
    func testWritingLeavesNoTemporaryFilesBehind() throws {
        let file = directory.appendingPathComponent("w.safetensors")
        // A temporary file left by a killed writer is overwritten, then renamed away.
        try Data([1, 2, 3]).write(to: directory.appendingPathComponent(".w.safetensors.partial"))
        for round in 0..<3 {
            try Safetensors.write([Tensor(name: "w", shape: [2], values: [Float(round), 1])], to: file)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        XCTAssertEqual(names, ["w.safetensors"])
        XCTAssertEqual(try Safetensors.read(from: file).tensors["w"]?.values, [2, 1])
    }

    func testWritingIntoAMissingDirectoryIsAClearError() throws {
        let file = directory.appendingPathComponent("missing/w.safetensors")
        XCTAssertThrowsError(try Safetensors.write([Tensor(name: "w", shape: [1], values: [1])], to: file)) { error in
            XCTAssertTrue("\(error)".contains("missing/"), "\(error)")
            XCTAssertFalse("\(error)".contains("NSCocoaErrorDomain"), "\(error)")
        }
    }
}
