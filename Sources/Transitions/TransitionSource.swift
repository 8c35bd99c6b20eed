/// Where a transition came from. The raw value is what the store writes on disk.
public enum TransitionSource: UInt8, Codable, CaseIterable, Sendable {
    /// Collected by the agent while it trained.
    case online = 0
    /// An expert demonstration; such transitions can be pinned so they are never evicted.
    case demonstration = 1
    /// Imported from a logged dataset.
    case dataset = 2
}
