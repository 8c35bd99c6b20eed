import Comparison

/// Learning curves with values chosen so the expected statistics can be worked out by hand.
enum CurveFixtures {
    static func curve(_ algorithm: String, seed: UInt64, _ points: [(Int, Double)]) -> LearningCurve {
        LearningCurve(algorithm: algorithm, seed: seed, points: points.map { CurvePoint(steps: $0.0, value: $0.1) })
    }

    /// sac reaches −200 at 2000 and 3000; td3 at 4000 and never; ppo (on-policy) at 6000 and 8000.
    static let mixed: [LearningCurve] = [
        curve("sac", seed: 0, [(1000, -900), (2000, -190), (3000, -150), (8000, -140)]),
        curve("sac", seed: 1, [(1000, -1000), (2000, -400), (3000, -180), (8000, -160)]),
        curve("td3", seed: 0, [(1000, -800), (4000, -200), (8000, -170)]),
        curve("td3", seed: 1, [(1000, -1200), (4000, -700), (8000, -500)]),
        curve("ppo", seed: 0, [(2048, -1200), (4096, -600), (6144, -190), (8192, -180)]),
        curve("ppo", seed: 1, [(2048, -1300), (4096, -800), (6144, -400), (8192, -195)]),
    ]
}
