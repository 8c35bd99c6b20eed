import XCTest
@testable import ReverbClient
@testable import ReverbProtos
import Transitions

/// Sample responses made by hand: a good one decodes to the values put in, and each kind of malformed one is an error.
final class SampleDecoderTests: XCTestCase {
    let table = ReverbTransitionTable(
        name: "t", observationSize: 2, actionSize: 1,
        info: ReverbTableInfo(name: "t", sampler: .uniform, remover: .fifo, maxSize: 1, currentSize: 1, maxTimesSampled: 0,
                              rateLimiter: ReverbRateLimiterInfo(samplesPerInsert: 1, minDiff: 0, maxDiff: 0, minSizeToSample: 1,
                                                                 insertsCompleted: 0, samplesCompleted: 0),
                              signature: nil, episodeCount: 0))

    /// One chunk of two steps (episode 7, steps 3 and 4) and an item reading step `row` of it.
    func entry(row: Int32 = 1, columns: Int = 7, chunkKey: UInt64 = 5, referTo: UInt64 = 5) throws -> Deepmind_Reverb_SampleStreamResponse.SampleEntry {
        func floats(_ values: [Float], width: Int, scalar: Bool) throws -> Tensorflow_TensorProto {
            try values.withUnsafeBufferPointer { try TensorCodec.encode(floats: $0, rows: 2, width: width, scalar: scalar) }
        }
        var chunk = Deepmind_Reverb_ChunkData()
        chunk.chunkKey = chunkKey
        chunk.sequenceRange.episodeID = 7
        chunk.sequenceRange.start = 3
        chunk.sequenceRange.end = 4
        chunk.data.tensors = [
            try floats([0.5, -0.5], width: 1, scalar: false),                   // action
            try floats([-1, -2], width: 1, scalar: true),                        // behavior_log_probability
            try floats([10, 11, 12, 13], width: 2, scalar: false),               // next_observation
            try floats([1, 2, 3, 4], width: 2, scalar: false),                   // observation
            try floats([0.25, 0.75], width: 1, scalar: true),                    // reward
            try [false, true].withUnsafeBufferPointer { try TensorCodec.encode(booleans: $0) },  // terminated
            try [false, false].withUnsafeBufferPointer { try TensorCodec.encode(booleans: $0) }, // truncated
        ]
        var entry = Deepmind_Reverb_SampleStreamResponse.SampleEntry()
        entry.info.item.key = 42
        entry.info.item.priority = 2
        entry.info.probability = 0.5
        entry.info.tableSize = 2
        entry.info.item.flatTrajectory.columns = (0..<columns).map { index in
            var slice = Deepmind_Reverb_FlatTrajectory.ChunkSlice()
            slice.chunkKey = referTo
            slice.offset = row
            slice.length = 1
            slice.index = Int32(index)
            var column = Deepmind_Reverb_FlatTrajectory.Column()
            column.chunkSlices = [slice]
            column.squeeze = true
            return column
        }
        entry.data = [chunk]
        entry.endOfSequence = true
        return entry
    }

    func testAWellFormedItemDecodesToItsValues() throws {
        var decoder = SampleDecoder(table: table, batchSize: 1)
        try decoder.add(try entry())
        let sample = try decoder.finish()
        var expected = TransitionBatch(observationSize: 2, actionSize: 1)
        expected.append(observation: [3, 4], action: [-0.5], reward: 0.75, nextObservation: [12, 13], terminated: true, truncated: false,
                        behaviorLogProbability: -2, episodeID: 7, stepIndex: 4)
        XCTAssertEqual(sample.batch, expected)
        XCTAssertEqual(sample.keys, [42])
        XCTAssertEqual(sample.probabilities, [0.5])
        XCTAssertEqual(sample.tableSizes, [2])
        XCTAssertEqual(sample.priorities, [2])
    }

    func testMalformedItemsAreErrorsNotTraps() throws {
        let cases: [(Deepmind_Reverb_SampleStreamResponse.SampleEntry, String)] = [
            (try entry(columns: 6), "item 42 has 6 columns, a transition has 7"),
            (try entry(referTo: 9), "item 42 refers to chunk 9, which was not sent with it"),
            (try entry(row: 2), "item 42 reads row 2 of a chunk column with 2 rows"),
        ]
        for (bad, message) in cases {
            var decoder = SampleDecoder(table: table, batchSize: 1)
            XCTAssertThrowsError(try decoder.add(bad), message) { error in
                XCTAssertEqual(error as? ReverbError, .malformedResponse(message))
            }
        }
        var wrongWidth = SampleDecoder(table: ReverbTransitionTable(name: "t", observationSize: 3, actionSize: 1, info: table.info), batchSize: 1)
        XCTAssertThrowsError(try wrongWidth.add(try entry())) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("column 'next_observation' of item 42 holds float32 rows of shape [2], expected float32 [3]"))
        }
        var noInfo = try entry()
        noInfo.clearInfo()
        var decoder = SampleDecoder(table: table, batchSize: 1)
        XCTAssertThrowsError(try decoder.add(noInfo)) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("sample data arrived before its item's info"))
        }
        var short = SampleDecoder(table: table, batchSize: 2)
        try short.add(try entry())
        XCTAssertThrowsError(try short.finish()) { error in
            XCTAssertEqual(error as? ReverbError, .malformedResponse("the sample stream of table 't' ended after 1 of 2 items"))
        }
    }
}
