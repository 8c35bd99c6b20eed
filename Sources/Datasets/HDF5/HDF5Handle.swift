internal import CHDF5

/// Owns one HDF5 identifier (a file, group, dataset, dataspace, datatype, attribute or property list)
/// and closes it with the matching `H5?close` when released or closed.
///
/// A handle that belongs to a file (the file itself, its groups, datasets and attributes) is abandoned,
/// not closed, once that file has failed (`HDF5FileState.failed`): after a write error such as a full
/// disk, closing would make libhdf5 flush its metadata again, and that path can crash inside the
/// library. The process keeps the descriptor until it exits.
final class HDF5Handle {
    let id: hid_t
    private let close: (hid_t) -> herr_t
    private let file: HDF5FileState?
    private var isOpen = true

    /// Takes ownership of `id`, which `check` has already found valid; `file` is the state of the file
    /// it belongs to, when closing it may write to that file.
    init(_ id: hid_t, close: @escaping (hid_t) -> herr_t, file: HDF5FileState? = nil) {
        self.id = id
        self.close = close
        self.file = file
    }

    /// Closes the identifier now and returns `H5?close`'s result (negative on failure); later calls and
    /// the release do nothing. An abandoned handle is not closed and returns -1.
    @discardableResult
    func closeNow() -> herr_t {
        guard isOpen else { return 0 }
        isOpen = false
        if file?.failed == true { return -1 }
        return close(id)
    }

    deinit { closeNow() }
}
