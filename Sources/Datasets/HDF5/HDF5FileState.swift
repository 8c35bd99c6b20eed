/// Whether an HDF5 file has failed: once any call on it has returned an error, no further HDF5 call is
/// made on it or on the objects inside it (their handles are abandoned, see `HDF5Handle`).
final class HDF5FileState {
    var failed = false
}
