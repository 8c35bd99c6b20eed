import Foundation

/// How many bytes reading one dataset may allocate for its columns. Every size a file declares is
/// checked against it (and against the file's real storage) before anything is allocated.
///
/// The default is a quarter of the memory this process may use (the smaller of the machine's physical
/// memory and the cgroup's `memory.max`): an import holds the columns, then the store's batch beside
/// them. `OFFPOLICY_DATASET_MEMORY_LIMIT` (bytes) overrides it.
public enum DatasetMemoryLimit {
    /// The environment variable that overrides the limit, in bytes.
    public static let environmentVariable = "OFFPOLICY_DATASET_MEMORY_LIMIT"

    /// The limit in bytes.
    public static var bytes: Int {
        if let text = ProcessInfo.processInfo.environment[environmentVariable], let value = Int(text), value > 0 { return value }
        var available = Int(clamping: ProcessInfo.processInfo.physicalMemory)
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let cgroup = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), cgroup > 0 {
            available = min(available, cgroup)
        }
        return max(available / 4, 64 << 20)
    }

    /// Where the limit comes from, for messages.
    static var origin: String {
        ProcessInfo.processInfo.environment[environmentVariable] != nil
            ? "set by \(environmentVariable)" : "a quarter of this machine's memory; \(environmentVariable) raises it"
    }
}
