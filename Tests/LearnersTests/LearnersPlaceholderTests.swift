import XCTest
@testable import Learners

// Scaffolding so the test target has a source file; removed when real tests land.
final class LearnersPlaceholderTests: XCTestCase {}
