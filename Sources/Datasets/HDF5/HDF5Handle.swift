internal import CHDF5

/// Owns one HDF5 identifier (a file, group, dataset, dataspace, datatype, attribute or property list)
/// and closes it with the matching `H5?close` when released.
final class HDF5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t

    /// Takes ownership of `id`, which `check` has already found valid.
    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
        self.id = id
        self.close = close
    }

    deinit { _ = close(id) }
}
