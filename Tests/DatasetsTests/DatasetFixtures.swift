import Foundation

/// Paths of the shipped fixtures (see Fixtures/README.md) and temporary directories.
enum DatasetFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static var d4rlMedium: String { folder.appendingPathComponent("pendulum-medium.hdf5").path }
    static var minariRoot: String { folder.appendingPathComponent("minari").path }
    static var minariMedium: String { folder.appendingPathComponent("minari/pendulum/sb3-medium-v0").path }

    /// A new empty temporary directory; the caller removes it.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("datasets-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// A small well-formed D4RL file of `rows` rows (observation `observationSize`, by default 2, action 1; an
    /// episode ends every 5 rows, by timeout, and row 7 is terminal), written through the C API; `body` may add
    /// or replace keys before it is closed (`skip` names keys left out).
    static func writeSmallD4RL(_ path: String, rows: Int = 12, observationSize: Int = 2, skip: Set<String> = [], withNext: Bool = true,
                               _ body: (TestHDF5File) -> Void = { _ in }) {
        let file = TestHDF5File(path)
        let observations = (0..<(rows * observationSize)).map { Float($0) * 0.5 }
        if !skip.contains("observations") { file.float32("observations", observations, shape: [rows, observationSize]) }
        if !skip.contains("actions") { file.float32("actions", (0..<rows).map { Float($0) / 10 }, shape: [rows, 1]) }
        if !skip.contains("rewards") { file.float32("rewards", (0..<rows).map { -Float($0) }, shape: [rows]) }
        if !skip.contains("terminals") { file.bool("terminals", (0..<rows).map { $0 == 7 }) }
        if !skip.contains("timeouts") { file.bool("timeouts", (0..<rows).map { $0 % 5 == 4 }) }
        if withNext && !skip.contains("next_observations") {
            file.float32("next_observations", observations.map { $0 + 0.25 }, shape: [rows, observationSize])
        }
        if !skip.contains("infos/action_log_probs") { file.float32("infos/action_log_probs", (0..<rows).map { -Float($0) / 100 }, shape: [rows]) }
        body(file)
    }
}
