import Foundation
import TensorBoardEvents
import TestSupport
import XCTest

/// CRC-32C, TFRecord framing and the Event encoding against published check values and the bytes
/// TensorBoard's own Python code writes (fixtures made with `tensorboard` 2.21's `event_pb2` and
/// `RecordWriter`; the script is in Sources/TensorBoardEvents/README.md); the writer and the trimming of
/// files on a real file system.
final class EventFileTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tensorboard-events-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func testCRC32CMatchesTheStandardCheckValues() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
        XCTAssertEqual(CRC32C.checksum([UInt8]()), 0)
        // RFC 3720, appendix B.4.
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
    }

    func testTheMaskRotatesAndAddsTheConstant() {
        XCTAssertEqual(CRC32C.masked(0xE306_9283), 0xC78A_B0E5)
        XCTAssertEqual(CRC32C.masked(0), 0xA282_EAD8)
        XCTAssertEqual(CRC32C.maskedChecksum(Array("123456789".utf8)), 0xC78A_B0E5)
    }

    func testARecordIsFramedAsTensorBoardsRecordWriterFramesIt() {
        XCTAssertEqual(hex(TFRecord.frame(Array("abc".utf8))), "0300000000000000b099490e6162636e57f121")
    }

    func testEventsEncodeToTheBytesOfTensorBoardsProtos() {
        let summary = Event(wallTime: 1.5, step: 300, content: .scalars([.init(tag: "eval/return_mean", value: -123.25), .init(tag: "learner/alpha", value: 0.1)]))
        XCTAssertEqual(hex(summary.encoded()),
                       "09000000000000f83f10ac022a2f0a170a106576616c2f72657475726e5f6d65616e150080f6c20a140a0d6c6561726e65722f616c70686115cdcccc3d")
        let version = Event(wallTime: 1_700_000_000.25, step: 0, content: .fileVersion(Event.fileVersion))
        XCTAssertEqual(hex(version.encoded()), "0900001040fc54d9411a0d627261696e2e4576656e743a32")
    }

    func testAnEncodedEventDecodesToItself() {
        for event in [Event(wallTime: 12.75, step: 1 << 40, content: .scalars([.init(tag: "α", value: -.infinity), .init(tag: "t", value: 3)])),
                      Event(wallTime: 0, step: 0, content: .fileVersion("brain.Event:2")),
                      Event(wallTime: 1, step: -5, content: .scalars([]))] {
            XCTAssertEqual(Event(decoding: event.encoded()), event)
        }
        XCTAssertNil(Event(decoding: [0x0A, 0x05, 0x61]))  // a string field cut short
    }

    func testRecordsEndAtATornOrDamagedRecord() {
        let first = TFRecord.frame([1, 2, 3]), second = TFRecord.frame([4, 5])
        let whole = first + second
        XCTAssertEqual(TFRecord.records(in: whole).map { Array($0.data) }, [[1, 2, 3], [4, 5]])
        XCTAssertEqual(TFRecord.records(in: whole).map(\.end), [first.count, whole.count])
        XCTAssertEqual(TFRecord.records(in: Array(whole.dropLast())).map { Array($0.data) }, [[1, 2, 3]])
        var damaged = whole
        damaged[first.count + 12] ^= 1  // a data byte of the second record
        XCTAssertEqual(TFRecord.records(in: damaged).count, 1)
        var badLength = whole
        badLength[first.count] = 200  // its length, which its own checksum then refuses
        XCTAssertEqual(TFRecord.records(in: badLength).count, 1)
    }

    /// The events in `file`, and whether its records cover all of it.
    private func events(in file: URL) throws -> (events: [Event], whole: Bool) {
        let bytes = [UInt8](try Data(contentsOf: file))
        let records = TFRecord.records(in: bytes)
        return (records.map { Event(decoding: $0.data)! }, (records.last?.end ?? 0) == bytes.count)
    }

    func testTheWriterStartsWithTheFileVersionAndAppendsEachEventAsARecord() throws {
        var warnings: [String] = []
        let writer = EventFileWriter(directory: directory.appendingPathComponent("tb"), warn: { warnings.append($0) })
        writer.write(step: 10, scalars: [.init(tag: "eval/return_mean", value: -1.5)])
        writer.write(step: 20, scalars: [])  // nothing
        writer.write(step: 20, scalars: [.init(tag: "learner/alpha", value: 0.25), .init(tag: "learner/critic_loss", value: 7)])
        writer.synchronize()
        let file = try XCTUnwrap(writer.file)
        let name = file.lastPathComponent
        let pattern = #"^events\.out\.tfevents\.\d{10}\.[^/]+\.\#(getpid())\.\d+$"#
        XCTAssertNotNil(name.range(of: pattern, options: .regularExpression), name)
        XCTAssertEqual(EventFileWriter.eventFiles(in: directory.appendingPathComponent("tb")), [file])
        let (events, whole) = try events(in: file)
        XCTAssertTrue(whole)
        XCTAssertEqual(events.map(\.content), [.fileVersion("brain.Event:2"), .scalars([.init(tag: "eval/return_mean", value: -1.5)]),
                                               .scalars([.init(tag: "learner/alpha", value: 0.25), .init(tag: "learner/critic_loss", value: 7)])])
        XCTAssertEqual(events.map(\.step), [0, 10, 20])
        let now = Date().timeIntervalSince1970
        XCTAssertTrue(events.allSatisfy { abs($0.wallTime - now) < 3600 }, "\(events.map(\.wallTime))")
        XCTAssertEqual(warnings, [])
    }

    func testANewFileSortsAfterTheFilesAlreadyThere() throws {
        let later = directory.appendingPathComponent("events.out.tfevents.9999999990.elsewhere.1.1")
        try Data().write(to: later)
        let writer = EventFileWriter(directory: directory, warn: { XCTFail($0) })
        let name = try XCTUnwrap(writer.file?.lastPathComponent)
        XCTAssertTrue(name.hasPrefix("events.out.tfevents.9999999991."), name)
        XCTAssertEqual(EventFileWriter.eventFiles(in: directory).last?.lastPathComponent, name)
    }

    func testTrimmingCutsEachFileAfterTheStepAndAtATornRecord() throws {
        let first = EventFileWriter(directory: directory, warn: { XCTFail($0) })
        for step in [100, 200, 300] { first.write(step: Int64(step), scalars: [.init(tag: "a", value: Float(step))]) }
        let second = EventFileWriter(directory: directory, warn: { XCTFail($0) })
        second.write(step: 400, scalars: [.init(tag: "a", value: 4)])
        let third = EventFileWriter(directory: directory, warn: { XCTFail($0) })
        third.write(step: 150, scalars: [.init(tag: "b", value: 1)])
        let torn = try FileHandle(forWritingTo: try XCTUnwrap(third.file))
        try torn.seekToEnd()
        try torn.write(contentsOf: Array(TFRecord.frame(Event(wallTime: 0, step: 160, content: .scalars([])).encoded()).dropLast(3)))
        try torn.close()

        XCTAssertEqual(try EventFileWriter.trimEvents(after: 200, in: directory), 2)  // 300 and 400 (the torn record is no event)
        let steps = try [first, second, third].map { try events(in: XCTUnwrap($0.file)) }
        XCTAssertEqual(steps.map { $0.events.map(\.step) }, [[0, 100, 200], [0], [0, 150]])
        XCTAssertEqual(steps.map(\.whole), [true, true, true])
        XCTAssertEqual(try EventFileWriter.trimEvents(after: 200, in: directory), 0)
        XCTAssertEqual(try EventFileWriter.trimEvents(after: 5, in: directory.appendingPathComponent("absent")), 0)
    }

    func testAFullDiskEndsTheWritingWithOneWarningAndWholeRecords() throws {
        let disk = try SystemFixtures.tmpfs(size: "8k", in: directory.path, for: self)
        var warnings: [String] = []
        let writer = EventFileWriter(directory: URL(fileURLWithPath: disk).appendingPathComponent("tb"), warn: { warnings.append($0) })
        let file = try XCTUnwrap(writer.file)
        var step: Int64 = 0
        while writer.isWriting && step < 10_000 {
            step += 1
            writer.write(step: step, scalars: [.init(tag: "learner/a_long_tag_name_to_fill_the_disk_sooner", value: Float(step))])
        }
        XCTAssertFalse(writer.isWriting, "8 KiB took \(step) events")
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int
        writer.write(step: step + 1, scalars: [.init(tag: "x", value: 1)])
        writer.synchronize()
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int, size)
        XCTAssertEqual(warnings, ["TensorBoard events are no longer written to \(file.path): no space left on device"])
        let (events, whole) = try events(in: file)
        XCTAssertTrue(whole, "the file ends at a whole record")
        XCTAssertEqual(events.map(\.step), [0] + (1..<step).map { $0 })
    }

    func testADirectoryThatCannotBeMadeIsOneWarning() throws {
        let blocker = directory.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        var warnings: [String] = []
        let writer = EventFileWriter(directory: blocker.appendingPathComponent("tb"), warn: { warnings.append($0) })
        writer.write(step: 1, scalars: [.init(tag: "a", value: 1)])
        XCTAssertNil(writer.file)
        XCTAssertFalse(writer.isWriting)
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings.first?.hasPrefix("TensorBoard events cannot be written to \(blocker.path)/tb: ") ?? false, "\(warnings)")
    }
}
