import XCTest
@testable import Training

// Scaffolding so the test target has a source file; removed when real tests land.
final class TrainingPlaceholderTests: XCTestCase {}
