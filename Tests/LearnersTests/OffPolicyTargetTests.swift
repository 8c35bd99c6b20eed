import Foundation
import XCTest
@testable import Learners

/// Retrace, the n-step return, per-decision IS and V-trace: hand-computed special cases, and rlax's
/// reference targets (`Fixtures/offpolicy-targets.json`).
final class OffPolicyTargetTests: XCTestCase {
    // A window of K = 3: rewards 1, 2, 3; γ = 0.9; V(s₁), V(s₂), V(s₃) = 10, 20, 30.
    let rewards: [Double] = [1, 2, 3]
    let discounts: [Double] = [0.9, 0.9, 0.9]
    let nextValues: [Double] = [10, 20, 30]

    func assertClose(_ actual: [Double], _ expected: [Double], accuracy: Double = 1e-12, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        for (a, e) in zip(actual, expected) { XCTAssertEqual(a, e, accuracy: accuracy, "\(message): \(actual) vs \(expected)", file: file, line: line) }
    }

    /// π = μ (log ρ = 0) and λ = 1: c ≡ 1. Where Q̄(s_k, a_k) = V(s_k), Retrace is the n-step return
    ///   G₀ = 1 + 0.9·2 + 0.81·3 + 0.729·30 = 27.1,  G₁ = 2 + 0.9·3 + 0.81·30 = 29,  G₂ = 3 + 0.9·30 = 30;
    /// otherwise it adds Σ γᵏ (V(s_k) − Q̄(s_k, a_k)), whose mean under a_k ~ π is 0: with Q̄ = 12, 17,
    ///   G₀ = 27.1 + 0.9·(10 − 12) + 0.81·(20 − 17) = 27.73,  G₁ = 29 + 0.9·(20 − 17) = 31.7.
    func testRetraceOnPolicyWithLambdaOneIsTheNStepReturn() {
        let onPolicy = Retrace.traceCoefficients(logRatios: [0, 0], lambda: 1)
        XCTAssertEqual(onPolicy, [1, 1])
        let nStep = NStepReturn.targets(rewards: rewards, discounts: discounts, bootstrapValue: 30)
        assertClose(nStep, [27.1, 29, 30], "n-step return")
        assertClose(Retrace.targets(rewards: rewards, discounts: discounts, nextValues: nextValues, nextActionValues: [10, 20],
                                    traceCoefficients: onPolicy), [27.1, 29, 30], "Retrace, Q̄ = V")
        assertClose(Retrace.targets(rewards: rewards, discounts: discounts, nextValues: nextValues, nextActionValues: [12, 17],
                                    traceCoefficients: onPolicy), [27.73, 31.7, 30], "Retrace, Q̄ ≠ V")
        // Termination at step 1 (d₁ = 0): G₁ = 2, G₀ = 1 + 0.9·2 = 2.8, the return cut at the end.
        let cut = NStepReturn.discounts(terminated: [false, true, false], discount: 0.9)
        XCTAssertEqual(cut, [0.9, 0, 0.9])
        assertClose(Retrace.targets(rewards: rewards, discounts: cut, nextValues: nextValues, nextActionValues: [10, 20],
                                    traceCoefficients: onPolicy).prefix(2).map { $0 }, [2.8, 2])
        assertClose(NStepReturn.targets(rewards: rewards, discounts: cut, bootstrapValue: 30).prefix(2).map { $0 }, [2.8, 2])
    }

    /// λ = 0: c ≡ 0 and every target is the one-step r_i + γ V(s_{i+1}) = 10, 20, 30, whatever the ratios.
    func testRetraceWithLambdaZeroIsTheOneStepTarget() {
        let coefficients = Retrace.traceCoefficients(logRatios: [0.5, -1], lambda: 0)
        assertClose(Retrace.targets(rewards: rewards, discounts: discounts, nextValues: nextValues, nextActionValues: [12, 17],
                                    traceCoefficients: coefficients), [10, 20, 30])
        assertClose(Retrace.targets(rewards: rewards, discounts: [0.9, 0, 0.9], nextValues: nextValues, nextActionValues: [12, 17],
                                    traceCoefficients: coefficients), [10, 2, 30], "termination")
    }

    /// ρ = 3, 0.5 for a₁, a₂; Q̄ = 12, 17. Clipped IS (clip 2): c = 2, 0.5:
    ///   G₁ = 2 + 0.9·(20 + 0.5·(30 − 17)) = 25.85,  G₀ = 1 + 0.9·(10 + 2·(25.85 − 12)) = 34.93.
    /// Retrace(1): c = 1, 0.5: G₀ = 1 + 0.9·(10 + 13.85) = 22.465. `none` ignores ratios: 27.1, 29, 30.
    func testCorrectionsShareTheRecursion() throws {
        let logRatios = [log(3.0), log(0.5)]
        func targets(_ correction: OffPolicyCorrection) -> [Double] {
            correction.targets(rewards: rewards, discounts: discounts, nextValues: nextValues, nextActionValues: [12, 17], nextLogRatios: logRatios)
        }
        assertClose(targets(.importanceSampling(clip: 2)), [34.93, 25.85, 30])
        assertClose(targets(.retrace(lambda: 1)), [22.465, 25.85, 30])
        assertClose(targets(.none), [27.1, 29, 30])
        XCTAssertThrowsError(try OffPolicyCorrection.retrace(lambda: 1.5).validate())
        XCTAssertThrowsError(try OffPolicyCorrection.importanceSampling(clip: 0).validate())
        let encoded = try JSONEncoder().encode(OffPolicyCorrection.importanceSampling(clip: OffPolicyCorrection.defaultClip))
        XCTAssertEqual(try JSONDecoder().decode(OffPolicyCorrection.self, from: encoded), .importanceSampling(clip: 10))
    }

    /// π = μ (ρ ≡ 1, ρ̄ ≥ 1): v_s is the λ-return of V, G_s = r_s + d_s((1 − λ)V(x_{s+1}) + λ G_{s+1}),
    /// G_K = V(x_K), with a termination inside the window.
    func testVTraceOnPolicyIsTheLambdaReturn() {
        let values: [Double] = [5, -1, 3, 7, 2, 4]           // V(x_0 … x_5)
        let bootstrap = 6.0                                   // V(x_6)
        let nextValues = Array(values.dropFirst()) + [bootstrap]
        let rewards: [Double] = [0.5, -1, 2, 0, 1.5, -0.5]
        let discounts: [Double] = [0.95, 0.95, 0, 0.95, 0.95, 0.95]
        for lambda in [1.0, 0.8, 0.0] {
            var expected = [Double](repeating: 0, count: 6)
            var later = bootstrap
            for s in stride(from: 5, through: 0, by: -1) {
                later = rewards[s] + discounts[s] * ((1 - lambda) * nextValues[s] + lambda * later)
                expected[s] = later
            }
            for clip in [1.0, 2.0] {
                let result = VTrace.targets(values: values, nextValues: nextValues, rewards: rewards, discounts: discounts,
                                            ratios: [1, 1, 1, 1, 1, 1], lambda: lambda, clipRatio: clip, clipPolicyGradientRatio: clip)
                assertClose(result.values, expected, "λ = \(lambda), ρ̄ = \(clip)")
                if lambda == 1 {
                    // IMPALA's advantage r_s + γ v_{s+1} − V(x_s), v_6 = V(x_6).
                    var advantages = [Double](repeating: 0, count: 6)
                    for s in 0..<6 {
                        let next: Double = s < 5 ? expected[s + 1] : bootstrap
                        advantages[s] = rewards[s] + discounts[s] * next - values[s]
                    }
                    assertClose(result.policyGradientAdvantages, advantages, "advantages")
                }
            }
        }
    }

    // MARK: rlax's reference targets

    struct Fixture {
        let cases: [[String: Any]]

        init() throws {
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/offpolicy-targets.json")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw NSError(domain: "OffPolicyTargetTests", code: 1, userInfo: [NSLocalizedDescriptionKey:
                    "\(url.path) is missing; it is part of the repository (Tests/LearnersTests/Fixtures)"])
            }
            let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            cases = root["cases"] as! [[String: Any]]
        }
    }

    func array(_ item: [String: Any], _ key: String) -> [Double] { (item[key] as! [Any]).map { ($0 as! NSNumber).doubleValue } }
    func scalar(_ item: [String: Any], _ key: String) -> Double { (item[key] as! NSNumber).doubleValue }

    func testRetraceMatchesRlax() throws {
        let cases = try Fixture().cases.filter { $0["kind"] as? String == "retrace" }
        XCTAssertEqual(cases.count, 6)
        var worst = 0.0
        for (n, item) in cases.enumerated() {
            let coefficients = Retrace.traceCoefficients(logRatios: array(item, "log_rhos"), lambda: scalar(item, "lambda"))
            let targets = Retrace.targets(rewards: array(item, "r_t"), discounts: array(item, "discount_t"), nextValues: array(item, "v_t"),
                                          nextActionValues: array(item, "q_t"), traceCoefficients: coefficients)
            let expected = array(item, "targets")
            assertClose(targets, expected, accuracy: 1e-12, "retrace case \(n)")
            worst = max(worst, zip(targets, expected).map { abs($0 - $1) }.max()!)
        }
        print("Retrace vs rlax: \(cases.count) cases, largest difference \(worst)")
    }

    func testVTraceMatchesRlax() throws {
        let cases = try Fixture().cases.filter { $0["kind"] as? String == "vtrace" }
        XCTAssertEqual(cases.count, 4)
        var worst = 0.0
        for (n, item) in cases.enumerated() {
            let result = VTrace.targets(values: array(item, "v_tm1"), nextValues: array(item, "v_t"), rewards: array(item, "r_t"),
                                        discounts: array(item, "discount_t"), ratios: array(item, "rho_tm1"),
                                        lambda: scalar(item, "lambda"), clipRatio: scalar(item, "clip_rho_threshold"),
                                        clipPolicyGradientRatio: scalar(item, "clip_pg_rho_threshold"))
            for (name, actual) in [("vs", result.values), ("pg_advantage", result.policyGradientAdvantages),
                                   ("q_estimate", result.actionValueEstimates)] {
                let expected = array(item, name)
                assertClose(actual, expected, accuracy: 1e-12, "vtrace case \(n), \(name)")
                worst = max(worst, zip(actual, expected).map { abs($0 - $1) }.max()!)
            }
        }
        print("V-trace vs rlax: \(cases.count) cases, largest difference \(worst)")
    }
}
