/// The off-policy learners `offpolicy train` can run.
public enum Algorithm: String, Codable, CaseIterable, Sendable {
    case sac, td3, ddpg
}
