/// Expert demonstrations a run's store was pre-filled with (`--prefill`): the first `transitions`
/// transitions of the store (global indices 0..<transitions), source `demonstration`, pinned so they are
/// never evicted. Online episodes are numbered after their `episodes` episodes.
public struct Prefill: Codable, Equatable, Sendable {
    /// Where the demonstrations came from (for the record).
    public var source: String
    public var transitions: Int
    public var episodes: Int
    /// The share of every batch drawn from the demonstrations (round(ratio × batch size)); nil: they are
    /// sampled uniformly with the online transitions.
    public var ratio: Double?

    public init(source: String, transitions: Int, episodes: Int, ratio: Double?) {
        self.source = source
        self.transitions = transitions
        self.episodes = episodes
        self.ratio = ratio
    }
}
