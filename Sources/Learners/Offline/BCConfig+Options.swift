/// Behavior cloning's command-line option, the policy class; it learns from a dataset only.
extension BCConfig {
    public static var options: [LearnerOption<BCConfig>] {
        [.flag("--deterministic", help: "Fit a deterministic policy by mean squared error instead of a Gaussian by maximum likelihood (d3rlpy's default policy_type).",
               isSet: { $0.policy == .deterministic }, set: { $0.policy = .deterministic })]
    }
    public static var requiresDataset: Bool { true }
}
