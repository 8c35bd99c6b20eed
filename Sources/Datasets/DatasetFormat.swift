/// The layouts a dataset comes in.
public enum DatasetFormat: String, Codable, CaseIterable, Sendable {
    /// One HDF5 file with flat columns (`observations`, `actions`, `rewards`, `terminals`, `timeouts`, ...).
    case d4rl
    /// A Minari dataset directory: `data/main_data.hdf5` with one group per episode, and `data/metadata.json`.
    case minari
    /// A replay store directory.
    case store
}
