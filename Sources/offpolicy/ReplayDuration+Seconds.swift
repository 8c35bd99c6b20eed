extension Duration {
    /// The duration in seconds, for rates printed by the replay commands.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
