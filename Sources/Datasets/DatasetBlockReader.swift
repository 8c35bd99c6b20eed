import ReplayStore

/// A dataset read block by block, for an import whose memory is bounded by a block, not by the file.
/// What a reader checks is what reading the dataset whole (`LoggedDataset.read(from:)`) checks; the
/// checks that need a value are made as its block is read, those that need every row at the end.
protocol DatasetBlockReader {
    var format: DatasetFormat { get }
    var observationSize: Int { get }
    var actionSize: Int { get }
    /// Rows of the dataset; nil when reading the blocks is the first to find out (and fails on the way).
    var rowCount: Int? { get }
    /// Whether the blocks carry next observations (otherwise row i + 1's observation is row i's next).
    var hasNextObservations: Bool { get }
    /// The environment the dataset describes, if it does.
    var environment: SourceEnvironment? { get }
    /// Values of one row as read into a block (for choosing the block size against the memory limit).
    var bytesPerRow: Int { get }

    /// Reads every row from the start, in blocks of about `rows` rows (a Minari block holds whole
    /// episodes, so it may hold more), hands each to `body` in order, and returns the notes for the user
    /// once the last block is read and checked. May be called again, and reads the file anew.
    func forEachBlock(rows: Int, _ body: (DatasetBlock) throws -> Void) throws -> [String]
}
