import XCTest
@testable import ReplayStore

final class SchemaTests: XCTestCase {
    func testOpeningWithADifferentSchemaFailsNamingTheFields() throws {
        let path = try temporaryDirectory(self) + "/store"
        let schema = StoreSchema(observationSize: 17, actionSize: 6, capacity: 1_000, chunkLength: 32)
        do { _ = try ReplayStore.create(at: path, schema: schema) }
        var other = schema
        other.observationSize = 11
        other.compressionLevel = 5
        XCTAssertThrowsError(try ReplayStore.openOrCreate(at: path, schema: other)) { error in
            guard case let ReplayStoreError.schemaMismatch(errorPath, differences) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(errorPath, path)
            XCTAssertEqual(differences, ["observationSize: stored 17, requested 11", "compressionLevel: stored 1, requested 5"])
        }
        XCTAssertThrowsError(try ReplayStore.open(at: path, expecting: other))
        XCTAssertEqual(try ReplayStore.openOrCreate(at: path, schema: schema).schema, schema)
        XCTAssertEqual(try ReplayStore.open(at: path).schema, schema)
    }

    func testMissingStoreAndExistingStoreAreClearErrors() throws {
        let directory = try temporaryDirectory(self)
        XCTAssertThrowsError(try ReplayStore.open(at: directory + "/nothing")) { error in
            XCTAssertEqual(error as? ReplayStoreError, .notAStore(path: directory + "/nothing"))
        }
        let schema = StoreSchema(observationSize: 2, actionSize: 1, capacity: 100, chunkLength: 8)
        do { _ = try ReplayStore.create(at: directory + "/store", schema: schema) }
        XCTAssertThrowsError(try ReplayStore.create(at: directory + "/store", schema: schema)) { error in
            XCTAssertEqual(error as? ReplayStoreError, .storeExists(path: directory + "/store"))
        }
    }

    func testInvalidSchemasAreRejected() throws {
        let directory = try temporaryDirectory(self)
        let bad = [
            StoreSchema(observationSize: 0, actionSize: 1),
            StoreSchema(observationSize: 1, actionSize: 1, capacity: 4, chunkLength: 8),
            StoreSchema(observationSize: 1, actionSize: 1, compressionLevel: 99),
        ]
        for schema in bad {
            XCTAssertThrowsError(try ReplayStore.create(at: directory + "/store", schema: schema)) { error in
                guard case ReplayStoreError.invalidSchema = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testSchemaIsWrittenAsJSON() throws {
        let schema = StoreSchema(observationSize: 3, actionSize: 2, capacity: 64, chunkLength: 8)
        let decoded = try JSONDecoder().decode(StoreSchema.self, from: JSONEncoder().encode(schema))
        XCTAssertEqual(decoded, schema)
        XCTAssertEqual(schema.formatVersion, 1)
        XCTAssertEqual(schema.rawBytesPerTransition, 3 * 8 + 2 * 4 + 23)
    }
}
