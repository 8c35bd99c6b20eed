import ArgumentParser

/// `--correction`: how SAC's n-step target corrects for the behavior policy (`OffPolicyCorrection`).
enum CorrectionName: String, ExpressibleByArgument, CaseIterable {
    case none
    case `is`
    case retrace
}
