import Foundation
internal import CHDF5

/// One open HDF5 file, with the reads and writes the dataset formats need. Keys are paths inside
/// the file, such as `infos/action_log_probs` or `episode_3/observations`.
final class HDF5File {
    let path: String
    private let file: HDF5Handle

    private init(path: String, file: HDF5Handle) {
        self.path = path
        self.file = file
    }

    /// Opens an existing file read-only. A file that is not HDF5, or is truncated, fails here with
    /// HDF5's reason ("file signature not found", "truncated file: eof = ...").
    static func open(_ path: String) throws -> HDF5File {
        HDF5Library.prepared
        let id = try check(H5Fopen(path, chdf5_read_only(), chdf5_default()), "H5Fopen (opening the file)", path: path)
        return HDF5File(path: path, file: HDF5Handle(id, close: H5Fclose))
    }

    /// Creates `path`, replacing a file already there.
    static func create(_ path: String) throws -> HDF5File {
        HDF5Library.prepared
        let id = try check(H5Fcreate(path, chdf5_truncate(), chdf5_default(), chdf5_default()), "H5Fcreate", path: path)
        return HDF5File(path: path, file: HDF5Handle(id, close: H5Fclose))
    }

    /// Writes everything to disk and closes the file (the handle's release closes it otherwise).
    func flush() throws {
        try check(H5Fflush(file.id, H5F_SCOPE_LOCAL), "H5Fflush", path: path)
    }

    // MARK: Reading

    /// Whether every component of `key` exists (a link named so, whatever it points at).
    func contains(_ key: String) throws -> Bool {
        var prefix = ""
        for component in key.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            if try check(H5Lexists(file.id, prefix, chdf5_default()), "H5Lexists '\(prefix)'", path: path) == 0 { return false }
        }
        return true
    }

    private func openDataset(_ key: String) throws -> HDF5Handle {
        guard try contains(key) else { throw DatasetError.missingKey(path: path, key: key) }
        return HDF5Handle(try check(H5Dopen2(file.id, key, chdf5_default()), "H5Dopen2 '\(key)'", path: path), close: H5Dclose)
    }

    private func shape(of dataset: HDF5Handle, key: String) throws -> [Int] {
        let space = HDF5Handle(try check(H5Dget_space(dataset.id), "H5Dget_space '\(key)'", path: path), close: H5Sclose)
        let rank = Int(try check(H5Sget_simple_extent_ndims(space.id), "H5Sget_simple_extent_ndims '\(key)'", path: path))
        var dimensions = [hsize_t](repeating: 0, count: rank)
        try check(H5Sget_simple_extent_dims(space.id, &dimensions, nil), "H5Sget_simple_extent_dims '\(key)'", path: path)
        return dimensions.map { Int(clamping: $0) }
    }

    /// The shape of the dataset at `key`.
    func shape(of key: String) throws -> [Int] {
        try shape(of: try openDataset(key), key: key)
    }

    /// The dataset's element type: its class, size in bytes and a name for messages.
    private func elementType(of dataset: HDF5Handle, key: String) throws -> (type: HDF5Handle, typeClass: H5T_class_t, size: Int, name: String) {
        let type = HDF5Handle(try check(H5Dget_type(dataset.id), "H5Dget_type '\(key)'", path: path), close: H5Tclose)
        let typeClass = H5Tget_class(type.id)
        if typeClass == H5T_NO_CLASS { _ = try check(-1, "H5Tget_class '\(key)'", path: path) }
        let size = H5Tget_size(type.id)
        let name: String
        switch typeClass {
        case H5T_FLOAT: name = "float\(size * 8)"
        case H5T_INTEGER: name = (H5Tget_sign(type.id) == H5T_SGN_NONE ? "uint" : "int") + "\(size * 8)"
        case H5T_ENUM: name = "enum of \(size) byte\(size == 1 ? "" : "s")"
        case H5T_STRING: name = "string"
        case H5T_COMPOUND: name = "compound"
        default: name = "HDF5 type class \(typeClass.rawValue)"
        }
        return (type, typeClass, size, name)
    }

    /// Reads a float32 or float64 key as float32 (`wasDouble` says which it was). Any other type is
    /// `unsupportedType`; an empty shape (a scalar) is `wrongShape`.
    func readFloats(_ key: String) throws -> HDF5FloatColumn {
        let dataset = try openDataset(key)
        let shape = try shape(of: dataset, key: key)
        guard !shape.isEmpty else { throw DatasetError.wrongShape(path: path, key: key, shape: shape, expected: "one row per step") }
        let element = try elementType(of: dataset, key: key)
        guard element.typeClass == H5T_FLOAT, element.size == 4 || element.size == 8 else {
            throw DatasetError.unsupportedType(path: path, key: key, type: element.name, supported: "float32, float64 (converted to float32)")
        }
        let count = shape.reduce(1, *)
        if element.size == 4 {
            let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0 {
                    try check(H5Dread(dataset.id, chdf5_native_float(), chdf5_all(), chdf5_all(), chdf5_default(), buffer.baseAddress),
                              "H5Dread '\(key)'", path: path)
                }
                initialized = count
            }
            return HDF5FloatColumn(values: values, shape: shape, wasDouble: false)
        }
        let doubles = try [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                try check(H5Dread(dataset.id, chdf5_native_double(), chdf5_all(), chdf5_all(), chdf5_default(), buffer.baseAddress),
                          "H5Dread '\(key)'", path: path)
            }
            initialized = count
        }
        return HDF5FloatColumn(values: doubles.map { Float($0) }, shape: shape, wasDouble: true)
    }

    /// Reads a flag key: h5py's bool (a one-byte enum), an integer or a float type, whose values must
    /// each be 0 or 1 (`invalidFlag` names the first row that is not).
    func readFlags(_ key: String) throws -> HDF5FlagColumn {
        let dataset = try openDataset(key)
        let shape = try shape(of: dataset, key: key)
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw DatasetError.wrongShape(path: path, key: key, shape: shape, expected: "(rows,) of 0 or 1")
        }
        let count = shape[0]
        let element = try elementType(of: dataset, key: key)
        func flags<Value: Numeric>(_ values: [Value]) throws -> [Bool] {
            var result = [Bool](repeating: false, count: values.count)
            for (row, value) in values.enumerated() {
                if value == 1 { result[row] = true } else if value != 0 {
                    let shown = Double("\(value)") ?? .nan
                    throw DatasetError.invalidFlag(path: path, key: key, row: row, value: shown)
                }
            }
            return result
        }
        func read<Value>(_ memoryType: hid_t, zero: Value) throws -> [Value] {
            var values = [Value](repeating: zero, count: count)
            if count > 0 {
                try values.withUnsafeMutableBytes { buffer in
                    try check(H5Dread(dataset.id, memoryType, chdf5_all(), chdf5_all(), chdf5_default(), buffer.baseAddress),
                              "H5Dread '\(key)'", path: path)
                }
            }
            return values
        }
        switch element.typeClass {
        case H5T_ENUM where element.size == 1:
            // h5py writes bool as an int8 enum {FALSE = 0, TRUE = 1}; read it in its own (native) type.
            let native = HDF5Handle(try check(H5Tget_native_type(element.type.id, H5T_DIR_DEFAULT), "H5Tget_native_type '\(key)'", path: path),
                                    close: H5Tclose)
            return HDF5FlagColumn(values: try flags(try read(native.id, zero: Int8(0))), shape: shape)
        case H5T_INTEGER:
            return HDF5FlagColumn(values: try flags(try read(chdf5_native_int64(), zero: Int64(0))), shape: shape)
        case H5T_FLOAT:
            return HDF5FlagColumn(values: try flags(try read(chdf5_native_double(), zero: Double(0))), shape: shape)
        default:
            throw DatasetError.unsupportedType(path: path, key: key, type: element.name, supported: "bool, integer or float holding 0 or 1")
        }
    }

    /// Names of the links in group `group` ("/" for the root), in name order.
    func memberNames(of group: String) throws -> [String] {
        let handle = HDF5Handle(try check(H5Gopen2(file.id, group, chdf5_default()), "H5Gopen2 '\(group)'", path: path), close: H5Gclose)
        var info = H5G_info_t()
        try check(H5Gget_info(handle.id, &info), "H5Gget_info '\(group)'", path: path)
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = try check(H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_default()),
                                   "H5Lget_name_by_idx '\(group)'", path: path)
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try check(H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, chdf5_default()),
                      "H5Lget_name_by_idx '\(group)'", path: path)
            names.append(String(cString: buffer))
        }
        return names
    }

    // MARK: Writing

    /// A link-creation property list that creates missing parent groups (`infos/` for `infos/action_log_probs`).
    private func linkCreation() throws -> HDF5Handle {
        let list = HDF5Handle(try check(H5Pcreate(chdf5_link_create_class()), "H5Pcreate", path: path), close: H5Pclose)
        try check(H5Pset_create_intermediate_group(list.id, 1), "H5Pset_create_intermediate_group", path: path)
        return list
    }

    private func writeDataset(_ key: String, fileType: hid_t, memoryType: hid_t, shape: [Int], bytes: UnsafeRawPointer?) throws {
        let dimensions = shape.map { hsize_t($0) }
        let space = HDF5Handle(try check(H5Screate_simple(Int32(dimensions.count), dimensions, nil), "H5Screate_simple '\(key)'", path: path),
                               close: H5Sclose)
        let links = try linkCreation()
        let dataset = HDF5Handle(try check(H5Dcreate2(file.id, key, fileType, space.id, links.id, chdf5_default(), chdf5_default()),
                                           "H5Dcreate2 '\(key)'", path: path), close: H5Dclose)
        if shape.reduce(1, *) > 0 {
            try check(H5Dwrite(dataset.id, memoryType, chdf5_all(), chdf5_all(), chdf5_default(), bytes), "H5Dwrite '\(key)'", path: path)
        }
    }

    /// Writes `values` as a little-endian float32 dataset of `shape` at `key`.
    func write(_ values: [Float], shape: [Int], to key: String) throws {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        try values.withUnsafeBytes { buffer in
            try writeDataset(key, fileType: chdf5_ieee_f32le(), memoryType: chdf5_native_float(), shape: shape, bytes: buffer.baseAddress)
        }
    }

    /// Writes `values` as h5py's bool (an int8 enum {FALSE = 0, TRUE = 1}), one-dimensional, at `key`.
    func write(flags values: [Bool], to key: String) throws {
        let type = HDF5Handle(try check(H5Tenum_create(chdf5_native_int8()), "H5Tenum_create", path: path), close: H5Tclose)
        var no: Int8 = 0, yes: Int8 = 1
        try check(H5Tenum_insert(type.id, "FALSE", &no), "H5Tenum_insert", path: path)
        try check(H5Tenum_insert(type.id, "TRUE", &yes), "H5Tenum_insert", path: path)
        let bytes = values.map { $0 ? Int8(1) : Int8(0) }
        try bytes.withUnsafeBytes { buffer in
            try writeDataset(key, fileType: type.id, memoryType: type.id, shape: [values.count], bytes: buffer.baseAddress)
        }
    }

    /// Creates the group `key` (and its missing parents).
    func createGroup(_ key: String) throws {
        let links = try linkCreation()
        _ = HDF5Handle(try check(H5Gcreate2(file.id, key, links.id, chdf5_default(), chdf5_default()), "H5Gcreate2 '\(key)'", path: path),
                       close: H5Gclose)
    }

    /// Writes a scalar int64 attribute `name` on the object at `key`.
    func writeAttribute(_ value: Int64, named name: String, on key: String) throws {
        let space = HDF5Handle(try check(H5Screate(H5S_SCALAR), "H5Screate", path: path), close: H5Sclose)
        let attribute = HDF5Handle(try check(H5Acreate_by_name(file.id, key, name, chdf5_std_i64le(), space.id, chdf5_default(), chdf5_default(), chdf5_default()),
                                             "H5Acreate_by_name '\(key)' '\(name)'", path: path), close: H5Aclose)
        var stored = value
        try check(H5Awrite(attribute.id, chdf5_native_int64(), &stored), "H5Awrite '\(key)' '\(name)'", path: path)
    }
}
