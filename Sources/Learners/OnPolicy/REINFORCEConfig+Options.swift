/// REINFORCE's command-line options: the shared on-policy ones except `--gae-lambda` (its return is the
/// full reward-to-go, λ = 1).
extension REINFORCEConfig {
    public static var options: [LearnerOption<REINFORCEConfig>] { onPolicyOptions(gaeLambda: false) }
    public static var usesBatchSize: Bool { false }
}
