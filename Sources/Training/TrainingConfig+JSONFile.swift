import Foundation

extension TrainingConfig {
    /// Writes the config as a run's `config.json` (pretty-printed, sorted keys, atomically).
    public func write(to file: URL) throws {
        try JSONFile.write(self, to: file)
    }
}
