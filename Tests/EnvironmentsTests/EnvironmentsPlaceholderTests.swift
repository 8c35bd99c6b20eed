import XCTest
@testable import Environments

// Scaffolding so the test target has a source file; removed when real tests land.
final class EnvironmentsPlaceholderTests: XCTestCase {}
