import ArgumentParser
import Environments
import Foundation
import ReverbClient
import ReverbTraining
import TrainingRuns

struct ActorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actor",
        abstract: "Step environment copies with the newest published policy and insert their transitions into a Reverb table.",
        discussion: """
        Before a learner has published weights, actions are uniform in the
        action box (with their log-probability). Every --refresh-every
        environment steps (over all copies) the actor reads the weights table
        and acts with newer weights. Each transition goes to the table with
        its behavior log-probability, in chunks of --chunk-length steps of one
        episode (default 1). Runs until --steps, Ctrl-C or SIGTERM (then it
        sends what it holds, waiting at most 10 s for the server); a
        restarted actor simply rejoins. A status line goes to standard output
        every --status-every seconds.

        Example:
          offpolicy-reverb actor --replay reverb://10.0.0.5:8000/replay \\
              --env Pendulum-v1 --copies 4 --seed 1

        """
    )

    @Option(help: "The replay table: reverb://HOST:PORT/TABLE.")
    var replay: String

    @Option(help: "The table the learner publishes its weights to.")
    var weightsTable = "weights"

    @Option(help: "The environment: Pendulum-v1 (or pendulum), MountainCarContinuous-v0, or gym:ID.")
    var env = EnvironmentArgument(argument: "Pendulum-v1")!

    @Option(help: "Environment copies stepped in turn.")
    var copies = 1

    @Option(help: "Read the weights table every this many environment steps (over all copies).")
    var refreshEvery = 1000

    @Option(help: "Copy c's first episode is reset with seed + c; the actions are drawn from a stream of this seed.")
    var seed: UInt64 = 0

    @Option(help: "Stop after this many environment steps (default: run until stopped).")
    var steps: Int?

    @Option(help: ArgumentHelp("Steps of one episode per chunk.",
        discussion: "Reverb sends a sampled item's whole chunk, so a learner drawing single transitions receives chunk-length rows per row; 1 keeps its batches small."))
    var chunkLength = 1

    @Option(help: "Seconds between status lines (0: none).")
    var statusEvery = 10.0

    @Option(help: "Seconds a bridged (gym:) environment call may take.")
    var envTimeout = 300.0

    func validate() throws {
        guard copies >= 1, copies <= 1024 else { throw ValidationError("--copies must lie in 1...1024, got \(copies)") }
        guard refreshEvery >= 1 else { throw ValidationError("--refresh-every must be positive, got \(refreshEvery)") }
        guard chunkLength >= 1, chunkLength <= 1 << 16 else { throw ValidationError("--chunk-length must lie in 1...65536, got \(chunkLength)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be positive, got \(steps)") }
        guard statusEvery >= 0 else { throw ValidationError("--status-every must not be negative, got \(statusEvery)") }
    }

    func run() throws {
        do {
            try act()
        } catch let error as ExitCode {
            throw error
        } catch is AbandonedWait {
            print("actor: stopped while the server held its inserts back; unconfirmed items were dropped")
            throw ExitCode(StopRequest.exitStatus)
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func act() throws {
        let (client, table) = try ReplayAddress.connect(replay, weightsTable: weightsTable) { try Self.widths(of: env.name, timeout: envTimeout) }
        defer { let client = client; try? blocking { await client.close() } }
        let environments = try (0..<copies).map { _ in try TrainingRuns.TrainingRun.makeEnvironment(named: env.name.description, callTimeout: envTimeout) }
        StopRequest.install()
        let actor = ReverbActor(client: client, table: table, weightsTable: weightsTable, environments: environments,
                                settings: .init(refreshEvery: refreshEvery, seed: seed, steps: steps, chunkLength: chunkLength, statusEvery: statusEvery))
        print("actor: \(copies) cop\(copies == 1 ? "y" : "ies") of \(env) inserting into \(client.address), weights from '\(weightsTable)' (seed \(seed))")
        let report = try actor.run(shouldStop: { StopRequest.isRequested })
        print(String(format: "actor: done: %d env steps in %.1f s (%.0f/s), %d episodes, %d items confirmed", report.environmentSteps,
                     report.seconds, Double(report.environmentSteps) / max(report.seconds, 1e-9), report.episodes, report.confirmedItems))
        if StopRequest.isRequested { throw ExitCode(StopRequest.exitStatus) }
    }

    /// The observation and action widths of `name` (a gym: one is started and ended for this).
    static func widths(of name: EnvironmentName, timeout: Double) throws -> (Int, Int) {
        let environment = try TrainingRuns.TrainingRun.makeEnvironment(named: name.description, callTimeout: timeout)
        return (environment.observationSpace.dimension, environment.actionSpace.dimension)
    }
}
