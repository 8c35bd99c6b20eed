import Comparison
import XCTest

final class MeanCurveTests: XCTestCase {
    func testSeedsEvaluatedAtDifferentStepsAreAlignedByInterpolation() throws {
        // Seed 0 at 1000, 3000, 5000; seed 1 at 2000, 4000, 6000. Both cover 2000...5000, so the grid is
        // 2000, 3000, 4000, 5000; seed 0 at 2000 is halfway between 0 and 20 (10), seed 1 at 3000 halfway
        // between 100 and 200 (150), and so on.
        let curves = [
            CurveFixtures.curve("ppo", seed: 0, [(1000, 0), (3000, 20), (5000, 40)]),
            CurveFixtures.curve("ppo", seed: 1, [(2000, 100), (4000, 200), (6000, 300)]),
        ]
        let mean = try XCTUnwrap(MeanCurve(algorithm: "ppo", curves: curves))
        XCTAssertEqual(mean.seeds, 2)
        XCTAssertEqual(mean.steps, [2000, 3000, 4000, 5000])
        let expected: [Double] = [55, 85, 115, 145]  // (10 + 100) / 2, (20 + 150) / 2, (30 + 200) / 2, (40 + 250) / 2
        XCTAssertEqual(mean.mean, expected)
        for index in mean.steps.indices {
            XCTAssertLessThanOrEqual(mean.lower[index], mean.mean[index])
            XCTAssertGreaterThanOrEqual(mean.upper[index], mean.mean[index])
        }
    }

    func testSeedsEvaluatedAtTheSameStepsAreAveragedExactly() throws {
        let curves = CurveFixtures.mixed.filter { $0.algorithm == "sac" }
        let mean = try XCTUnwrap(MeanCurve(algorithm: "sac", curves: curves))
        XCTAssertEqual(mean.steps, [1000, 2000, 3000, 8000])
        XCTAssertEqual(mean.mean, [-950, -295, -165, -150])
    }

    func testOneSeedHasNoBandAndDisjointRangesHaveNoCurve() throws {
        let one = try XCTUnwrap(MeanCurve(algorithm: "sac", curves: [CurveFixtures.mixed[0]]))
        XCTAssertEqual(one.lower, one.mean)
        XCTAssertEqual(one.upper, one.mean)
        XCTAssertNil(MeanCurve(algorithm: "x", curves: [
            CurveFixtures.curve("x", seed: 0, [(1, 0), (2, 0)]), CurveFixtures.curve("x", seed: 1, [(3, 0), (4, 0)]),
        ]))
    }
}
