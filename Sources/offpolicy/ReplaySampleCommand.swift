import ArgumentParser
import Foundation
import Randomness
import ReplayStore
import Transitions

struct ReplaySampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample", abstract: "Sample one batch uniformly from the live transitions, for inspection.")

    @Argument(help: "Store directory.") var store: String
    @Option(help: "Transitions in the batch.") var batch: Int
    @Option(help: "Seed of the sampling generator.") var seed: UInt64
    @Flag(help: "Print the batch as one JSON object (columns as arrays).") var json = false
    @Option(help: "Sample this many batches (each from the latest commit) and print only a summary.") var `repeat`: Int = 1
    @Option(help: "Check every sampled transition against the synthetic stream `replay fill --seed S` wrote; exit 1 on a mismatch.")
    var syntheticSeed: UInt64?
    @Flag(help: "Draw by priority (prioritized replay) instead of uniformly; each row shows its store index and importance weight.")
    var prioritized = false
    @Option(help: "With --prioritized: the priority exponent α (0 is uniform).") var alpha: Double = 0.6
    @Option(help: "With --prioritized: the importance-weight exponent β, in [0, 1].") var beta: Double = 0.4
    @Option(help: "With --prioritized: ε added to every priority (> 0).") var priorityEpsilon: Double = 1e-6
    @Flag(name: .customLong("in-process"), help: .hidden) var inProcess = false

    /// The priority settings of the command line.
    private var settings: PrioritySettings { PrioritySettings(alpha: alpha, beta: beta, epsilon: priorityEpsilon) }

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
        if prioritized, let problem = settings.problem { throw ValidationError(problem) }
    }

    func run() throws {
        // Read in a child process: a damaged B-tree page that crashes LMDB becomes a one-line error.
        guard inProcess else { return try ReplayChildProcess.run(subcommand: "sample", failurePrefix: "error: ") }
        var draws = PrioritizedSample()
        let sampled = try withCleanErrors { () -> TransitionBatch in
            let replay = try openForReading(store, cacheBudgetBytes: `repeat` > 1 ? 256 << 20 : 0)
            try replay.checkBatchSize(batch, name: "--batch")
            var generator = SeededGenerator(seed: seed)
            var sampled = TransitionBatch(observationSize: replay.schema.observationSize, actionSize: replay.schema.actionSize, zeroedCount: batch)
            var stream = syntheticSeed.map {
                SyntheticTransitions(seed: $0, observationSize: replay.schema.observationSize, actionSize: replay.schema.actionSize)
            }
            var smallest = Int.max, largest = 0
            let clock = ContinuousClock.now
            for round in 0..<`repeat` {
                if prioritized {
                    try replay.samplePrioritized(batchSize: batch, settings: settings, using: &generator, into: &sampled, sample: &draws)
                } else {
                    try replay.sample(batchSize: batch, using: &generator, into: &sampled)
                }
                guard var expected = stream else { continue }
                for i in 0..<sampled.count {
                    let row = sampled.rows(i..<(i + 1))
                    guard let index = expected.index(episodeID: sampled.episodeIDs[i], stepIndex: sampled.stepIndices[i]),
                          expected.batch(index..<(index + 1)) == row else {
                        printError("sample FAILED: batch \(round) row \(i) (episode \(sampled.episodeIDs[i]) step \(sampled.stepIndices[i])) is not a transition of the synthetic stream with seed \(expected.seed)")
                        throw ExitCode(1)
                    }
                    smallest = min(smallest, index); largest = max(largest, index)
                }
                stream = expected
            }
            if `repeat` > 1 || syntheticSeed != nil {
                let checked = syntheticSeed.map { ", every transition matches the synthetic stream with seed \($0) (indices \(smallest)...\(largest))" } ?? ""
                let rate = Double(`repeat` * batch) / max((ContinuousClock.now - clock).seconds, 1e-9)
                let kind = prioritized ? String(format: " by priority (α %g, β %g, ε %g)", alpha, beta, priorityEpsilon) : ""
                print("sampled \(`repeat`) batches of \(batch)\(kind)\(checked); \(replay.transitionCount) live transitions now")
                print(String(format: "sampling rate %.0f transitions/s (including the check)", rate))
                throw ExitCode.success
            }
            return sampled
        }
        let o = sampled.observationSize, a = sampled.actionSize
        func row(_ values: [Float], _ i: Int, _ width: Int) -> [Float] { Array(values[(i * width)..<((i + 1) * width)]) }
        if json {
            let object = SampledBatchJSON(
                batchSize: sampled.count,
                observations: (0..<sampled.count).map { finiteOrNull(row(sampled.observations, $0, o)) },
                actions: (0..<sampled.count).map { finiteOrNull(row(sampled.actions, $0, a)) },
                rewards: finiteOrNull(sampled.rewards),
                nextObservations: (0..<sampled.count).map { finiteOrNull(row(sampled.nextObservations, $0, o)) },
                terminated: sampled.terminated, truncated: sampled.truncated,
                behaviorLogProbabilities: finiteOrNull(sampled.behaviorLogProbabilities),
                episodeIds: sampled.episodeIDs, stepIndices: sampled.stepIndices,
                sources: sampled.sources.map { "\($0)" },
                indices: prioritized ? draws.indices : nil, weights: prioritized ? draws.weights : nil)
            print(try jsonLine(object))
            return
        }
        for i in 0..<sampled.count {
            let observation = row(sampled.observations, i, o).prefix(4).map { String(format: "%.3f", $0) }.joined(separator: " ")
            let action = row(sampled.actions, i, a).prefix(3).map { String(format: "%.3f", $0) }.joined(separator: " ")
            print("episode \(sampled.episodeIDs[i]) step \(sampled.stepIndices[i]) \(sampled.sources[i]) reward \(String(format: "%.4f", sampled.rewards[i])) terminated \(sampled.terminated[i]) truncated \(sampled.truncated[i]) log-prob \(sampled.behaviorLogProbabilities[i]) obs [\(observation)\(o > 4 ? " …" : "")] action [\(action)\(a > 3 ? " …" : "")]\(prioritized ? " index \(draws.indices[i]) weight \(draws.weights[i])" : "")")
        }
    }
}
