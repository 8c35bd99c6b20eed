import XCTest
@testable import NeuralNetwork

// Scaffolding so the test target has a source file; removed when real tests land.
final class NeuralNetworkPlaceholderTests: XCTestCase {}
