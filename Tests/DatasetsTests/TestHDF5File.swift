import CHDF5
import Foundation

/// Writes small HDF5 files of any layout through the C API, for the bad-input tests (keys missing,
/// float64, int32, NaN, unequal lengths). Closes the file when released.
final class TestHDF5File {
    private let file: hid_t

    init(_ path: String) {
        _ = H5Eset_auto2(chdf5_error_stack_default(), nil, nil)
        file = H5Fcreate(path, chdf5_truncate(), chdf5_default(), chdf5_default())
        precondition(file >= 0, "H5Fcreate \(path) failed")
    }

    deinit { _ = H5Fclose(file) }

    private func write(_ key: String, fileType: hid_t, memoryType: hid_t, shape: [Int], bytes: UnsafeRawPointer?) {
        let dimensions = shape.map { hsize_t($0) }
        let space = H5Screate_simple(Int32(dimensions.count), dimensions, nil)
        let links = H5Pcreate(chdf5_link_create_class())
        _ = H5Pset_create_intermediate_group(links, 1)
        let dataset = H5Dcreate2(file, key, fileType, space, links, chdf5_default(), chdf5_default())
        precondition(dataset >= 0, "H5Dcreate2 \(key) failed")
        if shape.reduce(1, *) > 0 { precondition(H5Dwrite(dataset, memoryType, chdf5_all(), chdf5_all(), chdf5_default(), bytes) >= 0) }
        _ = H5Dclose(dataset)
        _ = H5Pclose(links)
        _ = H5Sclose(space)
    }

    func float32(_ key: String, _ values: [Float], shape: [Int]) {
        values.withUnsafeBytes { write(key, fileType: chdf5_ieee_f32le(), memoryType: chdf5_native_float(), shape: shape, bytes: $0.baseAddress) }
    }

    func float64(_ key: String, _ values: [Double], shape: [Int]) {
        values.withUnsafeBytes { write(key, fileType: chdf5_native_double(), memoryType: chdf5_native_double(), shape: shape, bytes: $0.baseAddress) }
    }

    func int64(_ key: String, _ values: [Int64], shape: [Int]) {
        values.withUnsafeBytes { write(key, fileType: chdf5_std_i64le(), memoryType: chdf5_native_int64(), shape: shape, bytes: $0.baseAddress) }
    }

    /// h5py's bool: an int8 enum {FALSE = 0, TRUE = 1}.
    func bool(_ key: String, _ values: [Bool]) {
        let type = H5Tenum_create(chdf5_native_int8())
        var no: Int8 = 0, yes: Int8 = 1
        _ = H5Tenum_insert(type, "FALSE", &no)
        _ = H5Tenum_insert(type, "TRUE", &yes)
        let bytes = values.map { $0 ? Int8(1) : Int8(0) }
        bytes.withUnsafeBytes { write(key, fileType: type, memoryType: type, shape: [values.count], bytes: $0.baseAddress) }
        _ = H5Tclose(type)
    }

    /// A fixed-length ASCII string attribute `name` of the root group (as older h5py and other writers make them).
    func stringAttribute(_ name: String, _ value: String) {
        let bytes = Array(value.utf8)
        let type = H5Tcopy(chdf5_c_string())
        _ = H5Tset_size(type, max(1, bytes.count))
        let space = H5Screate(H5S_SCALAR)
        let attribute = H5Acreate2(file, name, type, space, chdf5_default(), chdf5_default())
        precondition(attribute >= 0, "H5Acreate2 \(name) failed")
        precondition(bytes.withUnsafeBytes { H5Awrite(attribute, type, $0.baseAddress) } >= 0)
        _ = H5Aclose(attribute)
        _ = H5Sclose(space)
        _ = H5Tclose(type)
    }
}

extension TestHDF5File {
    /// The filters of the dataset `key` in the file at `path`, in the order they apply when writing, read from
    /// its creation property list (`H5Pget_nfilters`, `H5Pget_filter2`); with its layout and chunk shape.
    static func storage(of key: String, in path: String) -> (filters: [H5Z_filter_t], layout: H5D_layout_t, chunk: [Int]) {
        _ = H5Eset_auto2(chdf5_error_stack_default(), nil, nil)
        let file = H5Fopen(path, chdf5_read_only(), chdf5_default())
        precondition(file >= 0, "H5Fopen \(path) failed")
        defer { _ = H5Fclose(file) }
        let dataset = H5Dopen2(file, key, chdf5_default())
        precondition(dataset >= 0, "H5Dopen2 \(key) failed")
        defer { _ = H5Dclose(dataset) }
        let properties = H5Dget_create_plist(dataset)
        defer { _ = H5Pclose(properties) }
        var filters: [H5Z_filter_t] = []
        for index in 0..<max(0, H5Pget_nfilters(properties)) {
            var flags: UInt32 = 0, count = 0, configuration: UInt32 = 0
            var name = [CChar](repeating: 0, count: 64)
            filters.append(H5Pget_filter2(properties, UInt32(index), &flags, &count, nil, name.count, &name, &configuration))
        }
        let layout = H5Pget_layout(properties)
        var chunk = [hsize_t](repeating: 0, count: 32)
        let rank = layout == H5D_CHUNKED ? Int(H5Pget_chunk(properties, 32, &chunk)) : 0
        return (filters, layout, chunk.prefix(max(0, rank)).map { Int($0) })
    }
}
