import ArgumentParser
import Environments
import Foundation
import GymBridge
import Randomness
import Training
import TrainingRuns
#if canImport(Glibc)
import Glibc
#endif

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
        (time.perf_counter around each). The bridge's overhead per step is
          wall: the step time seen from Swift minus that, which includes waiting
                for the other process to be scheduled (large on a busy machine);
          CPU:  this process's and the child's CPU time over the timed steps
                (resets included), minus the time inside env.step: the pipes,
                the framing and the conversions on both sides, which a busy
                machine does not inflate.

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

    /// User plus system CPU seconds of this process.
    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func run() throws {
        try Interruptible.run { try bench() }
    }

    private func bench() throws {
        var environment = try TrainingRun.makeEnvironment(named: env.description, callTimeout: environmentTimeout.seconds)
        let bridged = environment as? GymEnvironment
        let space = environment.actionSpace
        var generator = SeededGenerator(seed: seed, stream: 11)
        _ = try environment.checkedReset(seed: seed)
        var stepTime = Duration.zero
        var episodes = 0
        var childBefore: (seconds: Double, steps: Int, processSeconds: Double) = (0, 0, 0)
        var cpuBefore = 0.0
        for index in 0..<(warmUp + steps) {
            if index == warmUp {
                if let bridged { childBefore = try bridged.stepTiming() }
                cpuBefore = Self.cpuSeconds()
            }
            try StopRequest.check()
            let action = (0..<space.dimension).map { generator.nextFloat(in: space.low[$0], space.high[$0]) }
            let began = ContinuousClock.now
            let result = try environment.checkedStep(action)
            if index >= warmUp { stepTime += ContinuousClock.now - began }
            if result.isEpisodeOver {
                episodes += 1
                _ = try environment.checkedReset()
            }
        }
        let cpu = Self.cpuSeconds() - cpuBefore
        let seconds = stepTime.seconds
        let perStep = seconds / Double(steps) * 1e6
        print(String(format: "%@: %d steps in %.3f s: %.1f µs/step, %.0f steps/s (%d episode ends)",
                     env.description, steps, seconds, perStep, Double(steps) / seconds, episodes))
        if let bridged {
            let after = try bridged.stepTiming()
            let count = Double(after.steps - childBefore.steps)
            let inside = (after.seconds - childBefore.seconds) / count * 1e6
            let childCPU = (after.processSeconds - childBefore.processSeconds) / count * 1e6
            let ownCPU = cpu / Double(steps) * 1e6
            print(String(format: "inside Gymnasium's env.step (timed in Python): %.1f µs/step", inside))
            print(String(format: "bridge overhead, wall: %.1f µs/step", perStep - inside))
            print(String(format: "bridge overhead, CPU: %.1f µs/step (this process %.1f + Python %.1f - env.step %.1f)",
                         ownCPU + childCPU - inside, ownCPU, childCPU, inside))
        }
    }
}
