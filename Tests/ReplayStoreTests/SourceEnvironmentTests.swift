import Foundation
import XCTest
@testable import ReplayStore

/// The store's environment record (`meta` key `environment`): written once, read back exactly, absent in older stores.
final class SourceEnvironmentTests: XCTestCase {
    private let schema = StoreSchema(observationSize: 3, actionSize: 2, capacity: 64, chunkLength: 8)
    private let halfBounded = SourceEnvironment(
        id: "Example-v1", entryPoint: "example.module:ExampleEnv", maxEpisodeSteps: 200,
        observationSpace: BoxBounds(low: [-.infinity, -1, -8.5], high: [.infinity, 1, 8.5]),
        actionSpace: BoxBounds(shape: [2], low: [-2, -0.25], high: [2, 0.25]))

    func testTheRecordReadsBackExactlyWithInfiniteBoundsAndOnlyOnce() throws {
        let path = try temporaryDirectory(self) + "/store"
        do {
            let store = try ReplayStore.create(at: path, schema: schema)
            XCTAssertNil(try store.sourceEnvironment(), "a store without a record, as every store before it existed")
            try store.recordSourceEnvironment(halfBounded)
            try store.recordSourceEnvironment(halfBounded)  // the same again: nothing
            var other = halfBounded
            other.id = "Other-v0"
            XCTAssertThrowsError(try store.recordSourceEnvironment(other)) { error in
                XCTAssertEqual("\(error)", "cannot record the environment of the store at \(path): it records Example-v1, not Other-v0 with these spaces")
            }
            var wrongSize = halfBounded
            wrongSize.actionSpace = BoxBounds(low: [-1], high: [1])
            XCTAssertThrowsError(try store.recordSourceEnvironment(wrongSize)) { error in
                XCTAssertEqual("\(error)", "cannot record the environment of the store at \(path): its action space has 1 values, the data 2")
            }
        }
        let reopened = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly))
        XCTAssertEqual(try reopened.sourceEnvironment(), halfBounded)
        XCTAssertEqual(try reopened.sourceEnvironment()?.observationSpace.low.first, -.infinity)
    }

    func testTheRecordIsJSONWithInfinitiesAsStrings() throws {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: schema)
        try store.recordSourceEnvironment(halfBounded)
        let bytes = try store.environment.read { try $0.get(store.meta, key: ReplayStore.sourceEnvironmentKey).map { Data($0) } }
        let text = String(decoding: try XCTUnwrap(bytes), as: UTF8.self)
        XCTAssertEqual(text, #"{"actionSpace":{"high":[2,0.25],"low":[-2,-0.25],"shape":[2]},"entryPoint":"example.module:ExampleEnv","#
                       + #""id":"Example-v1","maxEpisodeSteps":200,"observationSpace":{"high":["Infinity",1,8.5],"low":["-Infinity",-1,-8.5],"shape":[3]}}"#)
    }

    func testAnAppendRecordsTheEnvironmentWithItsTransitionsOrNotAtAll() throws {
        struct Failure: Error {}
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: schema)
        XCTAssertThrowsError(try store.appendInOneTransaction(recording: halfBounded) { append in
            try append(labelled(0..<4))
            throw Failure()
        })
        XCTAssertNil(try store.sourceEnvironment(), "an aborted append records nothing")
        XCTAssertEqual(try store.liveTransitionCount(), 0)
        try store.appendInOneTransaction(recording: halfBounded) { append in try append(labelled(0..<4)) }
        XCTAssertEqual(try store.sourceEnvironment(), halfBounded)
        XCTAssertEqual(try store.liveTransitionCount(), 4)
    }

    func testMalformedBoundsAreNamed() {
        XCTAssertEqual(BoxBounds(shape: [2, 3], low: [0], high: [1]).problem, "it has 1 lower and 1 upper bounds for the 6 values of shape [2, 3]")
        XCTAssertEqual(BoxBounds(low: [0, 2], high: [1, 1]).problem, "value 1 has bounds [2.0, 1.0]")
        XCTAssertEqual(BoxBounds(shape: [], low: [], high: []).problem, "its shape [] is not a non-empty list of positive sizes")
        XCTAssertNil(BoxBounds(unboundedOfSize: 4).problem)
    }
}
