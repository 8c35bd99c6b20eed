import ReplayStore

/// The `replay info --json` object (snake_case keys).
struct StoreInfoJSON: Encodable {
    var transitions: Int
    var appendedTransitions: Int
    var episodes: Int
    var chunks: Int
    var pinnedChunks: Int
    var storedBytes: Int
    var rawBytes: Int
    var compressionRatio: Double
    var bytesPerTransition: Double
    var fileBytes: Int
    var schema: StoreSchema

    init(_ statistics: StoreStatistics) {
        transitions = statistics.transitions
        appendedTransitions = statistics.appendedTransitions
        episodes = statistics.episodes
        chunks = statistics.chunks
        pinnedChunks = statistics.pinnedChunks
        storedBytes = statistics.storedBytes
        rawBytes = statistics.rawBytes
        compressionRatio = statistics.compressionRatio
        bytesPerTransition = Double(statistics.storedBytes) / Double(max(statistics.transitions, 1))
        fileBytes = statistics.fileBytes
        schema = statistics.schema
    }
}
