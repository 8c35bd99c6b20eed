/// What one import did.
public struct DatasetImportReport: Codable, Equatable, Sendable {
    public var format: DatasetFormat
    /// Transitions appended to the store.
    public var transitions: Int
    public var episodes: Int
    /// Rows of the file not imported (see `LoggedDataset.transitions(firstEpisodeID:)`).
    public var droppedRows: Int
    public var firstEpisodeID: UInt64
    /// Whether the import created the store (false: appended to an existing one).
    public var createdStore: Bool
    public var environmentID: String?
    public var notes: [String]
}
