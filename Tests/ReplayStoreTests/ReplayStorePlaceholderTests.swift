import XCTest
@testable import ReplayStore

// Scaffolding so the test target has a source file; removed when real tests land.
final class ReplayStorePlaceholderTests: XCTestCase {}
