import ArgumentParser
import Foundation
import Learners
import NeuralNetwork
import Randomness
import ReplayStore
import Transitions

/// `offpolicy bench update`: gradient steps per second on batches sampled from a real replay store,
/// and the GFLOP/s they reach against what the general product route (`BLAS.productKernel`) alone reaches in the same process.
struct BenchUpdateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Measure learner updates/s, GFLOP/s and the fractions of the FMA peak of the threads used and of the single-thread sgemm peak.",
        discussion: """
        Fills a temporary replay store (LMDB + zstd) with synthetic transitions (not timed), then runs \
        rounds of iterations. Each iteration samples a batch from the store, runs one learner update on it, \
        then runs as many 256×256×256 products (through the same kernel the update uses: OpenBLAS, or the packed kernel where OpenBLAS would run kernels without AVX2) as match the update's FLOPs (the peak probe). \
        With --threads 1 everything runs on one thread, and sampling, update and probe are timed on the \
        thread's CPU clock, so time other processes take from this one is left out, and interleaving at this \
        grain gives update and peak the same machine load. With more threads the update's products are cut \
        over them (as in train), and the update is timed on the wall clock; the probe stays on one thread.

        Before each round, every thread runs independent vector fused multiply-adds in registers at once \
        (AVX-512 or AVX2, as the CPU has), the best of 5 short runs: the FMA peak of the threads used, the \
        most their cores could compute.

        FLOPs count the matrix products of one update (2·m·n·k each), nothing else. \
        achieved GFLOP/s = FLOPs per update / time of one update (sampling excluded); \
        fraction of FMA peak = achieved / FMA peak; fraction of peak = achieved / single-thread probe GFLOP/s, \
        per round; updates/s is wall-clock and includes sampling. The figures printed are medians over the rounds.
        """)

    @Option(name: .customLong("algo"), help: "Learner: \(Algorithms.names.joined(separator: ", ")).") var algorithm = AlgorithmName(argument: "sac")!
    @Option(help: "Hidden layer widths, comma-separated.") var hidden: String = "256,256"
    @Option(parsing: .unconditional, help: "Transitions per update.") var batch: Int = 256
    @Option(help: "Floats per observation.") var observationSize: Int = 3
    @Option(help: "Floats per action.") var actionSize: Int = 1
    @Option(help: "Measurement rounds.") var rounds: Int = 5
    @Option(help: "Seconds of updates per round.") var seconds: Double = 2
    @Option(help: "Transitions in the store.") var transitions: Int = 100_000
    @Flag(help: "Print one JSON object as the last line.") var json = false
    @OptionGroup var threads: ThreadsOption
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("The learner's own options, as `train` takes them (see `offpolicy train --help`).",
                                                            valueName: "learner-options"))
    var learnerOptions: [String] = []

    var hiddenSizes: [Int] { (try? CommandLineInput.widths(hidden, flag: "--hidden", limit: CommonHyperparameters.widthLimit)) ?? [] }

    func validate() throws {
        _ = try CommandLineInput.widths(hidden, flag: "--hidden", limit: CommonHyperparameters.widthLimit)
        try CommandLineInput.checkCount(batch, flag: "--batch", limit: CommonHyperparameters.batchSizeLimit)
        try CommandLineInput.checkCount(observationSize, flag: "--observation-size", limit: 100_000)
        try CommandLineInput.checkCount(actionSize, flag: "--action-size", limit: 100_000)
        try CommandLineInput.checkCount(rounds, flag: "--rounds", limit: 1_000)
        try CommandLineInput.checkCount(transitions, flag: "--transitions", limit: 100_000_000, minimum: batch)
        guard seconds > 0, seconds <= 3600 else { throw ValidationError("--seconds must lie in (0, 3600], got \(seconds)") }
        _ = try learnerConfiguration()
    }

    /// The learner's defaults with --hidden, --batch and its own options applied.
    func learnerConfiguration() throws -> LearnerConfiguration {
        var learner = LearnerConfiguration.defaults(for: algorithm.name)!
        learner.common.hiddenSizes = hiddenSizes
        learner.common.batchSize = batch
        return try LearnerOptionsHelp.refusingAsValidationError { try learner.applying(arguments: learnerOptions) }
    }

    func run() throws {
        let threadCount = threads.apply()
        let wallClockUpdates = threadCount > 1
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("offpolicy-bench-update-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let store = try fillStore(at: directory.appendingPathComponent("replay").path)
        var generator = SeededGenerator(seed: 1)
        let low = [Float](repeating: -1, count: actionSize), high = [Float](repeating: 1, count: actionSize)
        let learnerConfig = try learnerConfiguration()
        guard !learnerConfig.isOnPolicy else {
            throw ValidationError("\(algorithm.name) is on-policy: bench update times updates on batches sampled from a store; time an on-policy learner with `offpolicy train` (progress.csv's steps_per_s)")
        }
        let learner = try learnerConfig.makeLearner(observationSize: observationSize, actionLow: low, actionHigh: high, generator: &generator)
        guard learner.sequenceLength == 1 else {
            throw ValidationError("bench update samples single transitions; these options make \(algorithm.name) learn from runs of \(learner.sequenceLength)")
        }
        guard let counting = learner as? ProductFLOPCounting else {
            throw ValidationError("the \(algorithm.name) learner does not count its FLOPs, so its fraction of peak is unknown")
        }
        let flopsPerUpdate = counting.productFLOPsPerUpdate(rows: batch)

        var sampled = TransitionBatch(observationSize: observationSize, actionSize: actionSize, zeroedCount: batch)
        try store.warmCache()
        for _ in 0..<20 {  // warm-up: caches, workspaces, OpenBLAS buffers
            try store.sample(batchSize: batch, using: &generator, into: &sampled)
            _ = learner.update(on: sampled, using: &generator)
        }

        print("\(algorithm.name) update, hidden \(hiddenSizes), batch \(batch), observation \(observationSize), action \(actionSize): "
              + "\(format(flopsPerUpdate / 1e9, 4)) GFLOP per update (matrix products); products: \(BLAS.productKernel.rawValue) (OpenBLAS kernels: \(BLAS.coreName)), \(threadCount) thread\(threadCount == 1 ? "" : "s")")
        if let advice = BLAS.kernelAdvice { print("note: \(advice)") }
        // Each iteration times, on this thread's CPU clock: sampling one batch, one update, and as many
        // 256³ sgemm products as make up about the update's FLOPs. Interleaving at this grain makes the
        // update and the peak see the same machine load; the CPU clock leaves out time other processes
        // take from this one. updates/s is wall-clock and includes sampling. With several threads the update
        // is timed on the wall clock instead (its work runs on other threads too); the FMA peak of all the
        // threads is measured before each round.
        let probe = BLAS.ProductProbe(size: 256)
        let productsPerIteration = max(1, Int((flopsPerUpdate / probe.flopsPerProduct).rounded()))
        var peaks: [Double] = [], achieved: [Double] = [], fractions: [Double] = [], rates: [Double] = [], sampleFractions: [Double] = []
        var fmaPeaks: [Double] = [], fmaFractions: [Double] = []
        for round in 1...rounds {
            let fmaPeak = BLAS.measureFMAPeakGFLOPs()
            var sampleSeconds = 0.0, updateSeconds = 0.0, probeSeconds = 0.0, updates = 0
            var wallSeconds = 0.0
            repeat {
                let wallStart = DispatchTime.now().uptimeNanoseconds
                let t0 = threadCPUSeconds()
                try store.sample(batchSize: batch, using: &generator, into: &sampled)
                let t1 = threadCPUSeconds()
                let wallBeforeUpdate = DispatchTime.now().uptimeNanoseconds
                _ = learner.update(on: sampled, using: &generator)
                let t2 = threadCPUSeconds()
                let wallAfterUpdate = DispatchTime.now().uptimeNanoseconds
                probe.run(count: productsPerIteration)
                let t3 = threadCPUSeconds()
                sampleSeconds += t1 - t0
                updateSeconds += wallClockUpdates ? Double(wallAfterUpdate - wallBeforeUpdate) * 1e-9 : t2 - t1
                probeSeconds += t3 - t2
                updates += 1
                wallSeconds += Double(wallAfterUpdate - wallStart) * 1e-9
            } while sampleSeconds + updateSeconds + probeSeconds < seconds
            let peak = probe.flopsPerProduct * Double(productsPerIteration * updates) / probeSeconds / 1e9
            let gflops = flopsPerUpdate * Double(updates) / updateSeconds / 1e9
            peaks.append(peak); achieved.append(gflops); fractions.append(gflops / peak)
            var fmaText = ""
            if let fmaPeak {
                fmaPeaks.append(fmaPeak); fmaFractions.append(gflops / fmaPeak)
                fmaText = "FMA peak of \(threadCount) thread\(threadCount == 1 ? "" : "s") \(format(fmaPeak, 1)) GFLOP/s, \(format(100 * gflops / fmaPeak, 1))% of it, "
            }
            rates.append(Double(updates) / wallSeconds)
            sampleFractions.append(sampleSeconds / updateSeconds)
            print("round \(round)/\(rounds): \(format(rates.last!, 1)) updates/s (wall clock, with sampling), "
                  + "\(format(gflops, 1)) GFLOP/s, " + fmaText
                  + "single-thread sgemm peak \(format(peak, 1)) GFLOP/s, \(format(100 * gflops / peak, 1))% of it, "
                  + "sampling \(format(100 * sampleFractions.last!, 2))% of update time")
        }
        var summary: [(String, Double)] = [
            ("updates_per_s", median(rates)), ("gflops_per_update", flopsPerUpdate / 1e9),
            ("achieved_gflops", median(achieved)), ("sgemm_peak_gflops", median(peaks)),
            ("fraction_of_peak", median(fractions)), ("sample_fraction_of_update_time", median(sampleFractions)),
            ("threads", Double(threadCount)),
        ]
        var fmaText = ""
        if !fmaPeaks.isEmpty {
            summary += [("fma_peak_gflops", median(fmaPeaks)), ("fraction_of_fma_peak", median(fmaFractions))]
            fmaText = "\(format(100 * median(fmaFractions), 1))% of the \(format(median(fmaPeaks), 1)) GFLOP/s FMA peak of \(threadCount) thread\(threadCount == 1 ? "" : "s"), "
        }
        print("median: \(format(summary[0].1, 1)) updates/s, \(format(summary[2].1, 1)) GFLOP/s = " + fmaText
              + "\(format(100 * summary[4].1, 1))% of the \(format(summary[3].1, 1)) GFLOP/s single-thread sgemm peak, "
              + "sampling \(format(100 * summary[5].1, 2))% of update time")
        if json {
            print("{" + summary.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
        }
    }

    /// A store holding `transitions` synthetic transitions: episodes of 200 steps, the last truncated,
    /// one in 50 transitions terminated.
    private func fillStore(at path: String) throws -> ReplayStore {
        let schema = StoreSchema(observationSize: observationSize, actionSize: actionSize, capacity: transitions)
        let store = try ReplayStore.create(at: path, schema: schema, options: StoreOptions(durability: .processCrashSafe))
        var generator = SeededGenerator(seed: 2, stream: 1)
        var chunk = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: 10_000)
        var observation = (0..<observationSize).map { _ in Float(generator.nextGaussian()) }
        for index in 0..<transitions {
            let next = (0..<observationSize).map { _ in Float(generator.nextGaussian()) }
            let step = index % 200
            chunk.append(observation: observation, action: (0..<actionSize).map { _ in generator.nextFloat(in: -1, 1) },
                         reward: Float(generator.nextGaussian()), nextObservation: next,
                         terminated: generator.nextIndex(below: 50) == 0, truncated: step == 199,
                         episodeID: UInt64(index / 200), stepIndex: UInt32(step))
            observation = next
            if chunk.count == 10_000 || index == transitions - 1 {
                try store.append(chunk)
                chunk.removeAll()
            }
        }
        try store.sync()
        return store
    }

    /// CPU time this thread has used, in seconds.
    private func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private func format(_ value: Double, _ decimals: Int) -> String {
        String(format: "%.\(decimals)f", value)
    }
}

