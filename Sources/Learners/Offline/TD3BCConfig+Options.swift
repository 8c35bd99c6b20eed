/// TD3+BC learns from a dataset only; it has no options beyond the common ones.
extension TD3BCConfig {
    public static var requiresDataset: Bool { true }
}
