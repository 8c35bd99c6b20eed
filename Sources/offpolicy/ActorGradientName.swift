import ArgumentParser

/// `--actor-gradient`: how SAC's actor gradient is estimated (`ActorGradient`).
enum ActorGradientName: String, ExpressibleByArgument, CaseIterable {
    case reparameterization
    case truncatedIS = "truncated-is"
}
