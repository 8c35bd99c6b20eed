import ArgumentParser

/// `--correction`: how SAC's n-step target corrects for the behavior policy (`OffPolicyCorrection`:
/// none, is, retrace), or how A2C corrects replayed sequences (`ReplayCorrection`: vtrace, none).
enum CorrectionName: String, ExpressibleByArgument, CaseIterable {
    case none
    case `is`
    case retrace
    case vtrace
}
