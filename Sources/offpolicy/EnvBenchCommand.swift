import ArgumentParser
import Environments
import Foundation
import GymBridge
import Randomness
import Training

/// `offpolicy env bench`: what an environment step costs, and for a gym: one, what the bridge adds to it.
struct EnvBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time environment steps with uniform random actions; for gym:ID, the bridge's cost per step.",
        discussion: """
        Steps the environment --steps times (after --warm-up steps that are not
        timed), resetting at every episode end, and prints microseconds per
        step. Only the step calls are timed, not the resets.

        For gym:ID the child Python process also times its own env.step calls
        (time.perf_counter around each); the bridge's overhead per step is the
        step time seen from Swift minus that: the pipes, the framing and the
        float32 conversions, both sides.

        Example:
          offpolicy env bench --env gym:Pendulum-v1 --steps 20000
        """)

    @Option(help: "The environment: \(EnvironmentName.accepted).")
    var env: EnvironmentName

    @Option(parsing: .unconditional, help: "Timed steps.")
    var steps: Int = 20_000

    @Option(parsing: .unconditional, help: "Untimed steps first.")
    var warmUp: Int = 1_000

    @Option(parsing: .unconditional, help: "Seeds the first reset and the random actions.")
    var seed: UInt64 = 0

    func validate() throws {
        try CommandLineInput.checkCount(steps, flag: "--steps", limit: 100_000_000)
        try CommandLineInput.checkCount(warmUp, flag: "--warm-up", limit: 100_000_000, minimum: 0)
    }

    func run() throws {
        var environment = try TrainingRun.makeEnvironment(named: env.description)
        let space = environment.actionSpace
        var generator = SeededGenerator(seed: seed, stream: 11)
        _ = try environment.checkedReset(seed: seed)
        var stepTime = Duration.zero
        var episodes = 0
        var pythonBefore: (seconds: Double, steps: Int) = (0, 0)
        for index in 0..<(warmUp + steps) {
            if index == warmUp, let bridged = environment as? GymEnvironment { pythonBefore = try bridged.stepTiming() }
            let action = (0..<space.dimension).map { generator.nextFloat(in: space.low[$0], space.high[$0]) }
            let began = ContinuousClock.now
            let result = try environment.checkedStep(action)
            if index >= warmUp { stepTime += ContinuousClock.now - began }
            if result.isEpisodeOver {
                episodes += 1
                _ = try environment.checkedReset()
            }
        }
        let seconds = stepTime.seconds
        let perStep = seconds / Double(steps) * 1e6
        print(String(format: "%@: %d steps in %.3f s: %.1f µs/step, %.0f steps/s (%d episode ends)",
                     env.description, steps, seconds, perStep, Double(steps) / seconds, episodes))
        if let bridged = environment as? GymEnvironment {
            let after = try bridged.stepTiming()
            let python = (after.seconds - pythonBefore.seconds) / Double(after.steps - pythonBefore.steps) * 1e6
            print(String(format: "inside Gymnasium's env.step (timed in Python): %.1f µs/step", python))
            print(String(format: "bridge overhead: %.1f µs/step", perStep - python))
        }
    }
}
