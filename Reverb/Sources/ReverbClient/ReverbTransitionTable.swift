/// A table checked to hold transitions of this run's widths: what a writer inserts into and a sampler draws from.
///
/// Made by `ReverbClient.transitionTable(_:observationSize:actionSize:)`, which refuses a table the server
/// does not have, or whose signature differs, before anything is inserted or sampled.
public struct ReverbTransitionTable: Equatable, Sendable {
    public let name: String
    public let observationSize: Int
    public let actionSize: Int
    /// The table as the server described it when it was checked.
    public let info: ReverbTableInfo
}
