import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The misbehaving Gymnasium environments of `Fixtures/offpolicy_bridge_fixtures.py`, made importable by
/// the bridge's child processes (and the `offpolicy` processes the tests start) through PYTHONPATH.
enum BridgeFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let module = "offpolicy_bridge_fixtures"

    /// `module:name` as `gymnasium.make` takes it.
    static func id(_ name: String) -> String { "\(module):\(name)" }

    /// Puts the fixtures directory first on PYTHONPATH for this process and its children.
    static func install() {
        let existing = ProcessInfo.processInfo.environment["PYTHONPATH"] ?? ""
        guard !existing.split(separator: ":").contains(Substring(directory.path)) else { return }
        setenv("PYTHONPATH", existing.isEmpty ? directory.path : directory.path + ":" + existing, 1)
    }
}
