/// What `append` does with NaN or infinite values in float columns.
/// (A NaN behavior log-probability always means "unknown" and is accepted.)
public enum NonFiniteValuePolicy: String, Codable, Sendable {
    /// Default: the whole batch is rejected with an error naming the column, row and component.
    case reject
    /// Stored as given.
    case allow
}
