import XCTest
import Randomness

final class SeededGeneratorTests: XCTestCase {
    func testSameSeedSameStream() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        for _ in 0..<100 { XCTAssertEqual(a.next(), b.next()) }
    }

    func testStreamsDiffer() {
        var a = SeededGenerator(seed: 42, stream: 0)
        var b = SeededGenerator(seed: 42, stream: 1)
        let same = (0..<100).filter { _ in a.next() == b.next() }.count
        XCTAssertEqual(same, 0)
    }

    func testStateRoundTripsThroughCodable() throws {
        var a = SeededGenerator(seed: 7)
        for _ in 0..<10 { _ = a.next() }
        let data = try JSONEncoder().encode(a)
        var b = try JSONDecoder().decode(SeededGenerator.self, from: data)
        for _ in 0..<100 { XCTAssertEqual(a.next(), b.next()) }
    }

    func testIndexIsInRangeAndRoughlyUniform() {
        var rng = SeededGenerator(seed: 1)
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 {
            let i = rng.nextIndex(below: 10)
            counts[i] += 1
        }
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 500) }
    }

    func testGaussianMoments() {
        var rng = SeededGenerator(seed: 3)
        var buffer = [Float](repeating: 0, count: 200_001)
        rng.fillGaussian(&buffer)
        let mean = buffer.reduce(0.0) { $0 + Double($1) } / Double(buffer.count)
        let variance = buffer.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(buffer.count)
        XCTAssertEqual(mean, 0, accuracy: 0.01)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
        let scalarMean = (0..<100_000).reduce(0.0) { acc, _ in acc + rng.nextGaussian() } / 100_000
        XCTAssertEqual(scalarMean, 0, accuracy: 0.02)
    }
}
