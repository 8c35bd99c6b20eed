import ArgumentParser
import Foundation
import Randomness
import ReplayStore
import Transitions

struct ReplayBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure append and sampling speed, bytes per transition and compression ratio on a temporary store.",
        discussion: """
        Generates synthetic transitions in memory (not timed), appends them in batches to a new store, \
        then samples batches of 256 with a warm chunk cache (every chunk decoded) and with the cache off. \
        Also times the training-loop pattern: append one transition, then sample 256, with durability processCrashSafe. \
        Each sampling figure is the median of three rounds.
        """)

    @Option(help: "Transitions to append.") var transitions: Int = 1_000_000
    @Option(help: "Floats per observation.") var observationSize: Int = 17
    @Option(help: "Floats per action.") var actionSize: Int = 6
    @Option(name: .customLong("chunk"), help: "Transitions per chunk.") var chunkLength: Int = StoreSchema.defaultChunkLength
    @Option(name: .customLong("level"), help: "zstd level.") var compressionLevel: Int = StoreSchema.defaultCompressionLevel
    @Option(help: "Column filter: none, byteShuffle, xorDeltaByteShuffle.") var filter: ColumnFilter = StoreSchema.defaultColumnFilter
    @Option(help: "Transitions per append (one write transaction each).") var appendBatch: Int = 100_000
    @Option(help: "Durability while appending.") var durability: Durability = .powerCutSafe
    @Option(help: "Batches of 256 per warm sampling round.") var warmBatches: Int = 4_000
    @Option(help: "Batches of 256 per cold sampling round.") var coldBatches: Int = 400
    @Option(help: "Single-transition steps (append 1, sample 256) to time.") var steps: Int = 2_000
    @Option(help: "An existing directory for the temporary stores (default: the system temporary directory); only they are created and removed.") var directory: String?
    @Flag(help: "Print one JSON object as the last line.") var json = false
    @Flag(help: "Also time prioritized replay on the appended store: adding priorities, rebuilding the tree on open, prioritized sampling alone, and sampling plus one priority update per batch (processCrashSafe).")
    var prioritized = false
    @Option(help: "With --prioritized: batches of 256 per prioritized round.") var prioritizedBatches: Int = 2_000
    @Option(name: .customLong("fold-rows"), parsing: .upToNextOption,
            help: "With --prioritized: the priority-log fold thresholds (rows) to time sampling plus updates with, one round each in this order (0 folds at every update).")
    var foldRows: [Int] = [StoreOptions.defaultPriorityLogFoldRows]

    func validate() throws {
        guard transitions >= chunkLength else { throw ValidationError("--transitions must be at least --chunk") }
        guard appendBatch >= 1, warmBatches >= 1, coldBatches >= 1, steps >= 1, prioritizedBatches >= 1 else {
            throw ValidationError("--append-batch, --warm-batches, --cold-batches, --steps and --prioritized-batches must be at least 1")
        }
        guard !foldRows.isEmpty, foldRows.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--fold-rows takes one or more values ≥ 0") }
    }

    /// Checks every size against the store's limits and this machine's memory before anything is
    /// generated (the transitions are held in memory), and that `--directory` already exists: the
    /// command creates only its own temporary stores inside it, and removes them.
    private func checkSizes() throws -> StoreSchema {
        let schema = StoreSchema(observationSize: observationSize, actionSize: actionSize, capacity: max(transitions, chunkLength),
                                 chunkLength: chunkLength, compressionLevel: compressionLevel, columnFilter: filter)
        try schema.validate()
        let memory = StoreLimits.maximumCacheBudgetBytes
        func limit(_ flag: String, _ value: Int, perItem: Int, sharing: Int = 2) throws {
            let allowed = memory / sharing / perItem
            guard value <= allowed, StoreLimits.product(value, perItem) != nil else {
                throw ReplayStoreError.limitExceeded(name: flag, value: "\(value)",
                                                     limit: "\(allowed) transitions of \(perItem) bytes (half of this machine's memory)")
            }
        }
        // The synthetic transitions, then the decoded-chunk cache for warm sampling, each about this size.
        try limit("--transitions", transitions, perItem: schema.rawBytesPerTransition * 2)
        try limit("--steps", steps, perItem: schema.rawBytesPerTransition)
        for (flag, value) in [("--warm-batches", warmBatches), ("--cold-batches", coldBatches), ("--prioritized-batches", prioritizedBatches)]
            where value > 100_000_000 {
            throw ReplayStoreError.limitExceeded(name: flag, value: "\(value)", limit: "100000000")
        }
        if let directory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ReplayStoreError.fileSystem(operation: "use --directory", path: directory, message: "no such directory (it is not created)")
            }
        }
        return schema
    }

    func run() throws {
        try withCleanErrors {
            let schema = try checkSizes()
            let base = URL(fileURLWithPath: directory ?? NSTemporaryDirectory())
                .appendingPathComponent("offpolicy-bench-\(ProcessInfo.processInfo.processIdentifier)-\(UInt64.random(in: 0...UInt64.max))")
            defer { try? FileManager.default.removeItem(at: base) }
            let path = base.appendingPathComponent("store").path
            let sampleBatch = 256

            printError("bench: generating \(transitions) synthetic transitions (not timed)")
            var stream = SyntheticTransitions(seed: 7, observationSize: observationSize, actionSize: actionSize)
            var batches: [TransitionBatch] = []
            var start = 0
            while start < transitions {
                let end = min(start + appendBatch, transitions)
                batches.append(stream.batch(start..<end))
                start = end
            }

            // Append.
            var appendSeconds = 0.0, appendCPUSeconds = 0.0
            do {
                let store = try ReplayStore.create(at: path, schema: schema, options: StoreOptions(durability: durability))
                let clock = ContinuousClock.now, cpu = processCPUSeconds()
                for batch in batches { try store.append(batch) }
                if durability != .powerCutSafe { try store.sync() }
                appendSeconds = (ContinuousClock.now - clock).seconds
                appendCPUSeconds = processCPUSeconds() - cpu
            }
            batches = []
            let appendRate = Double(transitions) / appendSeconds
            printError(String(format: "bench: append %.0f transitions/s (%d per commit, durability %@; %.0f per CPU-second)",
                              appendRate, appendBatch, durability.rawValue, Double(transitions) / appendCPUSeconds))

            // Warm sampling: every chunk decoded in the cache.
            let decodedBytes = transitions * (observationSize * 8 + actionSize * 4 + 22) * 2 + (64 << 20)
            var statistics: StoreStatistics
            var warmRate = 0.0, warmCPURate = 0.0
            do {
                let store = try ReplayStore.open(at: path, options: StoreOptions(cacheBudgetBytes: decodedBytes))
                statistics = try store.statistics()
                try store.warmCache()
                (warmRate, warmCPURate) = try medianRate(rounds: 3, batches: warmBatches, batchSize: sampleBatch, store: store)
            }
            printError(String(format: "bench: warm sampling %.0f transitions/s", warmRate))

            // Cold sampling: cache off, every sampled transition decodes its chunk's frame.
            var coldRate = 0.0, coldCPURate = 0.0
            do {
                let store = try ReplayStore.open(at: path, options: StoreOptions(cacheBudgetBytes: 0))
                (coldRate, coldCPURate) = try medianRate(rounds: 3, batches: coldBatches, batchSize: sampleBatch, store: store)
            }
            printError(String(format: "bench: cold sampling %.0f transitions/s", coldRate))

            // Training-loop pattern: append one transition, sample 256 (cache on), relaxed durability.
            var stepRate = 0.0
            do {
                let stepPath = base.appendingPathComponent("steps").path
                let store = try ReplayStore.create(at: stepPath, schema: schema, options: StoreOptions(durability: .processCrashSafe))
                var stepStream = SyntheticTransitions(seed: 8, observationSize: observationSize, actionSize: actionSize)
                try store.append(stepStream.batch(0..<1_000))
                let singles = (0..<steps).map { stepStream.batch((1_000 + $0)..<(1_001 + $0)) }
                var generator = SeededGenerator(seed: 2)
                var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize, zeroedCount: sampleBatch)
                let clock = ContinuousClock.now
                for single in singles {
                    try store.append(single)
                    try store.sample(batchSize: sampleBatch, using: &generator, into: &batch)
                }
                stepRate = Double(steps) / (ContinuousClock.now - clock).seconds
                try store.sync()
            }
            printError(String(format: "bench: training-loop steps (append 1 + sample 256, processCrashSafe) %.0f steps/s", stepRate))

            let priorityFigures = prioritized ? try benchPrioritized(path: path, cacheBytes: decodedBytes, batchSize: sampleBatch) : nil

            let bytesPerTransition = Double(statistics.storedBytes) / Double(statistics.transitions)
            let appendCPURate = Double(transitions) / appendCPUSeconds
            let result = ReplayBenchJSON(
                appendTransitionsPerS: finiteOrNull(appendRate.rounded()), sampleWarmTransitionsPerS: finiteOrNull(warmRate.rounded()),
                sampleColdTransitionsPerS: finiteOrNull(coldRate.rounded()), bytesPerTransition: finiteOrNull(bytesPerTransition),
                compressionRatio: finiteOrNull(statistics.compressionRatio), rawBytesPerTransition: schema.rawBytesPerTransition,
                appendTransitionsPerCpuS: finiteOrNull(appendCPURate.rounded()),
                sampleWarmTransitionsPerCpuS: finiteOrNull(warmCPURate.rounded()), sampleColdTransitionsPerCpuS: finiteOrNull(coldCPURate.rounded()),
                stepsPerS: finiteOrNull(stepRate.rounded()), transitions: transitions, chunk: chunkLength, level: compressionLevel,
                filter: filter.rawValue, appendBatch: appendBatch, durability: durability.rawValue,
                priorityAddSeconds: priorityFigures?.addSeconds, priorityRebuildSeconds: priorityFigures?.rebuildSeconds,
                samplePrioritizedTransitionsPerS: priorityFigures.map { finiteOrNull($0.sampleRate.rounded()) } ?? nil,
                samplePrioritizedUpdateTransitionsPerS: priorityFigures.map { finiteOrNull($0.rounds[0].sampleUpdateRate.rounded()) } ?? nil,
                priorityLogFoldRows: priorityFigures.map { _ in foldRows[0] })
            print(String(format: "append             %12.0f transitions/s  (%.0f per CPU-second; %d per commit, %@)",
                         appendRate, appendCPURate.rounded(), appendBatch, durability.rawValue))
            print(String(format: "sample warm        %12.0f transitions/s  (%.0f per CPU-second; batches of 256)", warmRate, warmCPURate))
            print(String(format: "sample cold        %12.0f transitions/s  (%.0f per CPU-second; batches of 256, cache off)", coldRate, coldCPURate))
            print(String(format: "append 1 + sample  %12.0f steps/s (processCrashSafe)", stepRate))
            print(String(format: "bytes/transition   %12.1f (raw %d)", bytesPerTransition, schema.rawBytesPerTransition))
            print(String(format: "compression ratio  %12.3f", statistics.compressionRatio))
            if let figures = priorityFigures {
                print(String(format: "prioritized sample %12.0f transitions/s  (batches of 256, α 0.6, β 0.4; sum tree + min tree)", figures.sampleRate))
                for round in figures.rounds {
                    print(String(format: "prioritized s + u  %12.0f transitions/s  (sample 256, then update their 256 priorities in one commit, processCrashSafe; fold at %d rows)",
                                 round.sampleUpdateRate, round.foldRows))
                    print(String(format: "  priority update  %12.1f µs mean, %.1f µs p99, %.1f µs max  (%d rows left in the log)",
                                 round.meanMicros, round.p99Micros, round.maxMicros, round.loggedRows))
                    print(String(format: "  rebuild, fold    %12.3f s  tree rebuilt from chunk records + log; %.3f s  fold at close", round.rebuildSeconds, round.closeSeconds))
                }
                print(String(format: "priorities added   %12.3f s  (%d transitions, first prioritized use)", figures.addSeconds, transitions))
                print(String(format: "tree rebuild       %12.3f s  (%d transitions, from the stored priorities on open, empty log)", figures.rebuildSeconds, transitions))
            }
            if json { print(try jsonLine(result)) }
        }
    }

    /// One round of sampling plus updates at one priority-log fold threshold.
    private struct PrioritizedRound {
        var foldRows: Int
        var sampleUpdateRate: Double
        var meanMicros: Double, p99Micros: Double, maxMicros: Double
        /// Rows in the log when the round ended, the seconds a fresh tree took from chunk records plus that
        /// log, and the seconds closing the store took (it folds the log).
        var loggedRows: Int
        var rebuildSeconds: Double
        var closeSeconds: Double
    }

    /// Prioritized replay on the store at `path`: adding priorities to it, rebuilding the tree from them after a
    /// fresh open, sampling by priority alone (median of three rounds), and the prioritized training pattern:
    /// sample 256, then write 256 new priorities (|δ| drawn from the generator) in one commit, processCrashSafe,
    /// once for each `--fold-rows` value.
    private func benchPrioritized(path: String, cacheBytes: Int, batchSize: Int)
        throws -> (addSeconds: Double, rebuildSeconds: Double, sampleRate: Double, rounds: [PrioritizedRound]) {
        let settings = PrioritySettings()
        var addSeconds = 0.0
        do {
            let store = try ReplayStore.open(at: path, options: StoreOptions(durability: .processCrashSafe, cacheBudgetBytes: 0))
            let clock = ContinuousClock.now
            try store.addPriorities()
            addSeconds = (ContinuousClock.now - clock).seconds
            try store.sync()
        }
        printError(String(format: "bench: priorities added to %d transitions in %.3f s", transitions, addSeconds))
        var generator = SeededGenerator(seed: 3)
        var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize, zeroedCount: batchSize)
        var sample = PrioritizedSample(count: batchSize)
        var rebuildSeconds = 0.0, sampleRate = 0.0
        do {
            let store = try ReplayStore.open(at: path, options: StoreOptions(durability: .processCrashSafe, cacheBudgetBytes: cacheBytes))
            rebuildSeconds = try store.rebuildPriorityIndex(settings: settings)
            printError(String(format: "bench: priority tree rebuilt from the store in %.3f s", rebuildSeconds))
            try store.warmCache()
            var rates: [Double] = []
            for _ in 0..<3 {
                let clock = ContinuousClock.now
                for _ in 0..<prioritizedBatches {
                    try store.samplePrioritized(batchSize: batchSize, settings: settings, using: &generator, into: &batch, sample: &sample)
                }
                rates.append(Double(prioritizedBatches * batchSize) / (ContinuousClock.now - clock).seconds)
            }
            sampleRate = rates.sorted()[1]
            printError(String(format: "bench: prioritized sampling rounds %@ transitions/s", rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
        }
        var rounds: [PrioritizedRound] = []
        var errors = [Float](repeating: 0, count: batchSize)
        for threshold in foldRows {
            var store: ReplayStore? = try ReplayStore.open(
                at: path, options: StoreOptions(durability: .processCrashSafe, cacheBudgetBytes: cacheBytes, priorityLogFoldRows: threshold))
            _ = try store!.rebuildPriorityIndex(settings: settings)
            try store!.warmCache()
            var updateSeconds: [Double] = []
            updateSeconds.reserveCapacity(prioritizedBatches)
            let clock = ContinuousClock.now
            for _ in 0..<prioritizedBatches {
                try store!.samplePrioritized(batchSize: batchSize, settings: settings, using: &generator, into: &batch, sample: &sample)
                for k in 0..<batchSize { errors[k] = generator.nextUnitFloat() * 2 }
                let update = ContinuousClock.now
                try store!.updatePriorities(indices: sample.indices, priorities: errors)
                updateSeconds.append((ContinuousClock.now - update).seconds)
            }
            let rate = Double(prioritizedBatches * batchSize) / (ContinuousClock.now - clock).seconds
            let loggedRows = try store!.loggedPriorityRows()
            let rebuild = try store!.rebuildPriorityIndex(settings: settings)
            let close = ContinuousClock.now
            store = nil  // folds the log
            let closeSeconds = (ContinuousClock.now - close).seconds
            let sorted = updateSeconds.sorted()
            rounds.append(PrioritizedRound(
                foldRows: threshold, sampleUpdateRate: rate, meanMicros: 1e6 * sorted.reduce(0, +) / Double(sorted.count),
                p99Micros: 1e6 * sorted[min(sorted.count - 1, sorted.count * 99 / 100)], maxMicros: 1e6 * sorted.last!,
                loggedRows: loggedRows, rebuildSeconds: rebuild, closeSeconds: closeSeconds))
            printError(String(format: "bench: prioritized sample + update %.0f transitions/s (fold at %d rows)", rate, threshold))
        }
        return (addSeconds, rebuildSeconds, sampleRate, rounds)
    }

    /// User + system CPU seconds of this process so far: comparing it with wall time shows how much
    /// a figure was slowed by waiting for the disk or for other processes on the machine.
    private func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
    }

    /// Median wall-clock and median CPU-time rates of `rounds` rounds of `batches` samples.
    private func medianRate(rounds: Int, batches: Int, batchSize: Int, store: ReplayStore) throws -> (wall: Double, cpu: Double) {
        var generator = SeededGenerator(seed: 1)
        var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize, zeroedCount: batchSize)
        try store.sample(batchSize: batchSize, using: &generator, into: &batch)
        var rates: [Double] = [], cpuRates: [Double] = []
        for _ in 0..<rounds {
            let clock = ContinuousClock.now, cpu = processCPUSeconds()
            for _ in 0..<batches { try store.sample(batchSize: batchSize, using: &generator, into: &batch) }
            rates.append(Double(batches * batchSize) / (ContinuousClock.now - clock).seconds)
            cpuRates.append(Double(batches * batchSize) / max(processCPUSeconds() - cpu, 1e-6))
        }
        printError(String(format: "bench: sampling rounds %@ transitions/s (per CPU-second: %@)",
                          rates.map { String(format: "%.0f", $0) }.joined(separator: ", "),
                          cpuRates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
        return (rates.sorted()[rounds / 2], cpuRates.sorted()[rounds / 2])
    }
}
