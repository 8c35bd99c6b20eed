import XCTest

/// Finite-difference gradient checking for Float32 code.
///
/// The numerical derivative is the fourth-order central difference
/// (8 (f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h, whose truncation error is O(h⁴), so a
/// step of ~1e-2 keeps Float32 round-off small while truncation stays negligible on smooth functions.
public enum FiniteDifference {
    public static func gradient(of values: UnsafeMutablePointer<Float>, count: Int, step h: Float, loss: () -> Double) -> [Double] {
        (0..<count).map { i in
            let original = values[i]
            func at(_ offset: Float) -> Double {
                values[i] = original + offset
                return loss()
            }
            let derivative = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * Double(h))
            values[i] = original
            return derivative
        }
    }

    /// Relative error of each component, |a − n| / max(|a|, |n|, floor), with floor = 1e-2 · max|n|
    /// so that components a hundred times smaller than the largest are judged on an absolute scale
    /// (their Float32 round-off is otherwise larger than they are).
    public static func relativeErrors(analytic: [Float], numerical: [Double]) -> [Double] {
        let floor = max(1e-2 * (numerical.map(abs).max() ?? 0), 1e-7)
        return zip(analytic, numerical).map { a, n in
            abs(Double(a) - n) / max(abs(Double(a)), abs(n), floor)
        }
    }

    public static func assertMatch(analytic: [Float], numerical: [Double], tolerance: Double = 1e-3,
                            _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(analytic.count, numerical.count, file: file, line: line)
        XCTAssertTrue(numerical.contains { abs($0) > 1e-4 }, "\(what): the gradient is all but zero, the check would be vacuous", file: file, line: line)
        let errors = relativeErrors(analytic: analytic, numerical: numerical)
        let worst = errors.indices.max { errors[$0] < errors[$1] }!
        XCTAssertLessThan(errors[worst], tolerance,
                          "\(what): component \(worst) analytic \(analytic[worst]) vs numerical \(numerical[worst])",
                          file: file, line: line)
    }
}
