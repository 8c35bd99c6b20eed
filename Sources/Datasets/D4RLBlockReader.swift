import ReplayStore

/// A D4RL file read in blocks of rows (hyperslabs of every column), with the checks of `D4RLFile.read`:
/// the keys, row counts, shapes and types when it is opened, the values (finite, flags 0 or 1) block by block.
struct D4RLBlockReader: DatasetBlockReader {
    let file: HDF5File
    let observations: HDF5OpenColumn
    let actions: HDF5OpenColumn
    let rewards: HDF5OpenColumn
    let terminals: HDF5OpenColumn
    let timeouts: HDF5OpenColumn
    let nextObservations: HDF5OpenColumn?
    let logProbabilities: HDF5OpenColumn?
    let environment: SourceEnvironment?
    /// float64 keys converted (known from the types when opened).
    let notes: [String]

    var format: DatasetFormat { .d4rl }
    var observationSize: Int { observations.width }
    var actionSize: Int { actions.width }
    var rowCount: Int? { observations.rows }
    var hasNextObservations: Bool { nextObservations != nil }
    var bytesPerRow: Int {
        4 * (observationSize * (hasNextObservations ? 2 : 1) + actionSize + 1 + (logProbabilities == nil ? 0 : 1)) + 2
    }

    init(_ path: String) throws {
        file = try HDF5File.open(path)
        var reader = ColumnReader(file: file)
        typealias Key = D4RLFile
        observations = try reader.openFloats(Key.observationsKey)
        let rows = observations.rows
        actions = try reader.openFloats(Key.actionsKey, rows: rows, reference: Key.observationsKey)
        rewards = try reader.openFloats(Key.rewardsKey, rows: rows, reference: Key.observationsKey, scalar: true)
        terminals = try reader.openFlags(Key.terminalsKey, rows: rows, reference: Key.observationsKey)
        timeouts = try reader.openFlags(Key.timeoutsKey, rows: rows, reference: Key.observationsKey)
        if try file.contains(Key.nextObservationsKey) {
            let next = try reader.openFloats(Key.nextObservationsKey, rows: rows, reference: Key.observationsKey)
            guard next.width == observations.width else {
                throw DatasetError.wrongShape(path: path, key: Key.nextObservationsKey, shape: next.shape,
                                              expected: "the shape of '\(Key.observationsKey)', (\(rows), \(observations.width))")
            }
            nextObservations = next
        } else {
            nextObservations = nil
        }
        logProbabilities = try file.contains(Key.logProbabilitiesKey)
            ? try reader.openFloats(Key.logProbabilitiesKey, rows: rows, reference: Key.observationsKey, scalar: true) : nil
        environment = try D4RLFile.readEnvironment(of: file, observationSize: observations.width, actionSize: actions.width)
        notes = reader.notes
    }

    func forEachBlock(rows blockRows: Int, _ body: (DatasetBlock) throws -> Void) throws -> [String] {
        let reader = ColumnReader(file: file)
        let n = observations.rows, o = observationSize
        var start = 0
        while start < n {
            let range = start..<min(n, start + max(1, blockRows))
            // Without next observations, the row after the block is read with it (its observation is the
            // block's last next observation).
            let observationRows = nextObservations == nil && range.upperBound < n ? range.lowerBound..<(range.upperBound + 1) : range
            var blockObservations = try reader.floats(observations, rows: observationRows).values
            var following: [Float]?
            if observationRows != range {
                following = Array(blockObservations[(range.count * o)...])
                blockObservations.removeLast(o)
            }
            let blockTerminals = try file.readFlags(terminals, rows: range).values
            let blockTimeouts = try file.readFlags(timeouts, rows: range).values
            let block = DatasetBlock(
                firstRow: range.lowerBound,
                observations: blockObservations,
                actions: try reader.floats(actions, rows: range).values,
                rewards: try reader.floats(rewards, rows: range).values,
                nextObservations: try nextObservations.map { try reader.floats($0, rows: range).values },
                terminals: blockTerminals,
                timeouts: blockTimeouts,
                behaviorLogProbabilities: try logProbabilities.map { try reader.floats($0, rows: range, allowingNaN: true).values },
                endsEpisode: zip(blockTerminals, blockTimeouts).map { $0 || $1 },
                followingObservation: following)
            try body(block)
            start = range.upperBound
        }
        return notes
    }
}

/// A dataset already in memory, handed out in blocks (a replay store read as a dataset, or a dataset a
/// caller read whole).
struct InMemoryBlockReader: DatasetBlockReader {
    let dataset: LoggedDataset

    var format: DatasetFormat { dataset.format }
    var observationSize: Int { dataset.observationSize }
    var actionSize: Int { dataset.actionSize }
    var rowCount: Int? { dataset.count }
    var hasNextObservations: Bool { dataset.nextObservations != nil }
    var environment: SourceEnvironment? { dataset.environment }
    var bytesPerRow: Int { 4 * (2 * observationSize + actionSize + 2) + 2 }

    func forEachBlock(rows blockRows: Int, _ body: (DatasetBlock) throws -> Void) throws -> [String] {
        let n = dataset.count, o = observationSize, a = actionSize
        var endsEpisode = [Bool](repeating: false, count: n)
        var end = 0
        for length in dataset.episodeLengths {
            end += length
            if length > 0 { endsEpisode[end - 1] = true }
        }
        var start = 0
        while start < n {
            let range = start..<min(n, start + max(1, blockRows))
            let following = dataset.nextObservations == nil && range.upperBound < n
                ? Array(dataset.observations[(range.upperBound * o)..<((range.upperBound + 1) * o)]) : nil
            try body(DatasetBlock(
                firstRow: range.lowerBound,
                observations: Array(dataset.observations[(range.lowerBound * o)..<(range.upperBound * o)]),
                actions: Array(dataset.actions[(range.lowerBound * a)..<(range.upperBound * a)]),
                rewards: Array(dataset.rewards[range]),
                nextObservations: dataset.nextObservations.map { Array($0[(range.lowerBound * o)..<(range.upperBound * o)]) },
                terminals: Array(dataset.terminals[range]),
                timeouts: Array(dataset.timeouts[range]),
                behaviorLogProbabilities: dataset.behaviorLogProbabilities.map { Array($0[range]) },
                endsEpisode: Array(endsEpisode[range]),
                followingObservation: following))
            start = range.upperBound
        }
        return dataset.notes
    }
}
