/// The off-policy algorithms this module implements.
public enum Algorithm: String, Codable, CaseIterable, Sendable {
    case sac
    case td3
    case ddpg
}
