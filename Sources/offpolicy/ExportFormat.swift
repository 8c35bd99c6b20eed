import ArgumentParser

/// The layouts `dataset export --format` writes (a replay store is only ever its input).
enum ExportFormat: String, CaseIterable, ExpressibleByArgument {
    case d4rl, minari
}
