import XCTest
@testable import ReverbClient

final class ReverbAddressTests: XCTestCase {
    func testParsesHostPortAndTable() throws {
        XCTAssertEqual(try ReverbAddress(parsing: "reverb://localhost:8000/replay"), ReverbAddress(host: "localhost", port: 8000, table: "replay"))
        XCTAssertEqual(try ReverbAddress(parsing: "reverb://10.0.0.2:1"), ReverbAddress(host: "10.0.0.2", port: 1, table: nil))
        XCTAssertEqual(try ReverbAddress(parsing: "reverb://[::1]:65535/w"), ReverbAddress(host: "::1", port: 65535, table: "w"))
        XCTAssertEqual(try ReverbAddress(parsing: "reverb://h:9/").table, nil)
        XCTAssertEqual(ReverbAddress(host: "::1", port: 5, table: "t").description, "reverb://[::1]:5/t")
    }

    func testRefusesWhatDoesNotParseInOneSentence() {
        let bad: [(String, String)] = [
            ("http://localhost:8000/replay", "it must start with reverb://"),
            ("reverb://localhost/replay", "it has no ':PORT' after the host"),
            ("reverb://:8000/replay", "the host is empty"),
            ("reverb://localhost:0/replay", "the port '0' is not a number from 1 to 65535"),
            ("reverb://localhost:65536", "the port '65536' is not a number from 1 to 65535"),
            ("reverb://localhost:80a", "the port '80a' is not a number from 1 to 65535"),
            ("reverb://local host:80", "the host 'local host' has characters a host name cannot have"),
            ("reverb://[::1:80", "the IPv6 host has no closing ']'"),
            ("reverb://h:80/a/b", "the table name 'a/b' must not contain '/', '?' or '#'"),
        ]
        for (text, reason) in bad {
            XCTAssertThrowsError(try ReverbAddress(parsing: text), text) { error in
                XCTAssertEqual(error as? ReverbError, .invalidAddress(text, reason: reason))
                XCTAssertEqual("\(error)", "The Reverb address '\(text)' does not parse: \(reason).")
            }
        }
    }

    func testClientRefusesABadAddressBeforeConnecting() {
        XCTAssertThrowsError(try ReverbClient("reverb://nowhere")) { error in
            XCTAssertEqual(error as? ReverbError, .invalidAddress("reverb://nowhere", reason: "it has no ':PORT' after the host"))
        }
    }
}
