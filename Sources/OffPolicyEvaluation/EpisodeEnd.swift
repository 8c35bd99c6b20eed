/// How a logged episode's last recorded step ended.
public enum EpisodeEnd: String, Codable, Sendable {
    /// The environment ended it (Gymnasium's `terminated`, D4RL `terminals`): nothing follows, no value to bootstrap.
    case terminated
    /// A time limit cut it (`truncated`, D4RL `timeouts`): the process would have gone on, but the data stops.
    case truncated
    /// Neither flag is set: the data ends mid-episode (the last episode of a file, or a row an import drops).
    case unfinished
}
