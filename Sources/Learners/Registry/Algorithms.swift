/// The registry: every algorithm the toolkit builds, by name. Adding an algorithm is one line here.
public enum Algorithms {
    public static let all: [any LearnerConfig.Type] = [
        SACConfig.self,
        TD3Config.self,
        DDPGConfig.self,
        BCConfig.self,
        TD3BCConfig.self,
        IQLConfig.self,
        CQLConfig.self,
        PPOConfig.self,
        A2CConfig.self,
        REINFORCEConfig.self,
    ]

    /// The names, in registration order ("sac", "td3", "ddpg").
    public static var names: [String] { all.map { $0.algorithmName } }

    /// The config type registered under `name`, if any.
    public static func configType(named name: String) -> (any LearnerConfig.Type)? {
        all.first { $0.algorithmName == name }
    }
}
