import Foundation
internal import CHDF5

/// One open HDF5 file, with the reads and writes the dataset formats need. Keys are paths inside
/// the file, such as `infos/action_log_probs` or `episode_3/observations`.
///
/// Reads check every size the file declares against the file's real storage and against
/// `DatasetMemoryLimit` before allocating, and read float64 columns in blocks of rows. Writes store each
/// column chunked, shuffled and deflated (`HDF5Compression`), and stop at the first HDF5 error: the file is
/// then marked failed and no further HDF5 call is made on it.
final class HDF5File {
    let path: String
    private let state = HDF5FileState()
    private let file: HDF5Handle
    private let writable: Bool
    /// How new columns are stored: chunked and filtered, or (nil) contiguous and unfiltered.
    private let compression: HDF5Compression?
    /// Bytes the reads of this file have allocated so far, and the most they may.
    private var bytesRead = 0
    private let memoryLimit = DatasetMemoryLimit.bytes
    /// Values read per block when a column is converted (float64 to float32, flags to Bool).
    private static let blockValues = 1 << 20

    private init(path: String, id: hid_t, writable: Bool, compression: HDF5Compression? = nil) {
        self.path = path
        self.writable = writable
        self.compression = compression
        self.file = HDF5Handle(id, close: H5Fclose, file: writable ? state : nil)
    }

    /// Opens an existing file read-only. Anything but a regular file (a directory, a FIFO, a device) is
    /// `notADataset` before HDF5 sees it; a file that is not HDF5, or is truncated, fails here with
    /// HDF5's reason ("file signature not found", "truncated file: eof = ...").
    static func open(_ path: String) throws -> HDF5File {
        try FileOperations.checkRegularFile(path)
        HDF5Library.prepared
        let id = try check(H5Fopen(path, chdf5_read_only(), chdf5_default()), "H5Fopen (opening the file)", path: path)
        return HDF5File(path: path, id: id, writable: false)
    }

    /// Creates `path`, which must not exist (writers create a new temporary name and rename it into place).
    /// Its columns are written with `compression` (by default shuffle and deflate when the library has them).
    static func create(_ path: String, compression: HDF5Compression? = .available) throws -> HDF5File {
        HDF5Library.prepared
        let id = try check(H5Fcreate(path, chdf5_exclusive(), chdf5_default(), chdf5_default()), "H5Fcreate", path: path)
        return HDF5File(path: path, id: id, writable: true, compression: compression)
    }

    /// `check` for a call on this file: a failure of a file being written marks it failed, and nothing
    /// is called on a failed file again.
    @discardableResult
    private func checked<Code: BinaryInteger>(_ result: Code, _ operation: @autoclosure () -> String) throws -> Code {
        do {
            return try check(result, operation(), path: path)
        } catch {
            if writable { state.failed = true }
            throw error
        }
    }

    /// Throws if an earlier call failed, before any HDF5 call is made.
    private func checkUsable(_ operation: String) throws {
        if state.failed {
            throw DatasetError.hdf5(operation: operation, path: path, message: "an earlier HDF5 error left the file unusable")
        }
    }

    /// Flushes and closes the file, checking both; the file is complete on disk when this returns.
    /// After a failure the file is abandoned, not closed again.
    func close() throws {
        try checkUsable("H5Fflush")
        try checked(H5Fflush(file.id, H5F_SCOPE_LOCAL), "H5Fflush")
        try checked(file.closeNow(), "H5Fclose")
    }

    // MARK: Reading

    /// Whether every component of `key` exists (a link named so, whatever it points at).
    func contains(_ key: String) throws -> Bool {
        var prefix = ""
        for component in key.split(separator: "/") {
            prefix += prefix.isEmpty ? String(component) : "/" + component
            if try checked(H5Lexists(file.id, prefix, chdf5_default()), "H5Lexists '\(prefix)'") == 0 { return false }
            // An external link would open another file (which may be a FIFO, and wait forever).
            var info = H5L_info_t()
            try checked(H5Lget_info(file.id, prefix, &info, chdf5_default()), "H5Lget_info '\(prefix)'")
            guard info.type == H5L_TYPE_HARD || info.type == H5L_TYPE_SOFT else {
                throw DatasetError.unsupportedStorage(path: path, key: prefix, reason: "is a link to another file, which is not followed")
            }
        }
        return true
    }

    private func openDataset(_ key: String) throws -> HDF5Handle {
        guard try contains(key) else { throw DatasetError.missingKey(path: path, key: key) }
        return HDF5Handle(try checked(H5Dopen2(file.id, key, chdf5_default()), "H5Dopen2 '\(key)'"), close: H5Dclose)
    }

    private func shape(of dataset: HDF5Handle, key: String) throws -> [Int] {
        let space = HDF5Handle(try checked(H5Dget_space(dataset.id), "H5Dget_space '\(key)'"), close: H5Sclose)
        let rank = Int(try checked(H5Sget_simple_extent_ndims(space.id), "H5Sget_simple_extent_ndims '\(key)'"))
        guard rank <= 32 else { throw DatasetError.wrongShape(path: path, key: key, shape: [], expected: "at most 32 dimensions, not \(rank)") }
        var dimensions = [hsize_t](repeating: 0, count: rank)
        try checked(H5Sget_simple_extent_dims(space.id, &dimensions, nil), "H5Sget_simple_extent_dims '\(key)'")
        return dimensions.map { Int(clamping: $0) }
    }

    /// The shape of the dataset at `key`.
    func shape(of key: String) throws -> [Int] {
        try shape(of: try openDataset(key), key: key)
    }

    /// The number of elements `shape` declares for `key`, after checking it against the file's storage
    /// (`storedElementSize` bytes each; a compressed dataset may store less, but not nothing). The bytes
    /// a read allocates are checked against the memory limit by `reserveMemory`.
    private func checkedElementCount(_ dataset: HDF5Handle, key: String, shape: [Int], storedElementSize: Int) throws -> Int {
        var count: Int? = 1
        for dimension in shape {
            guard let product = count else { break }
            let (value, overflow) = product.multipliedReportingOverflow(by: dimension)
            count = overflow ? nil : value
        }
        func bytes(_ size: Int) -> Int? {
            guard let count else { return nil }
            let (value, overflow) = count.multipliedReportingOverflow(by: size)
            return overflow ? nil : value
        }
        let properties = HDF5Handle(try checked(H5Dget_create_plist(dataset.id), "H5Dget_create_plist '\(key)'"), close: H5Pclose)
        let layout = H5Pget_layout(properties.id)
        if layout == H5D_VIRTUAL {
            throw DatasetError.unsupportedStorage(path: path, key: key, reason: "is a virtual dataset (its data lives in other files), which is not supported")
        }
        if try checked(H5Pget_external_count(properties.id), "H5Pget_external_count '\(key)'") > 0 {
            throw DatasetError.unsupportedStorage(path: path, key: key, reason: "keeps its data in external raw files, which is not supported")
        }
        let filters = try checked(H5Pget_nfilters(properties.id), "H5Pget_nfilters '\(key)'")
        let stored = Int(clamping: H5Dget_storage_size(dataset.id))
        let declared = bytes(storedElementSize)
        // A chunked dataset must have every chunk written: a missing one reads as fill values, which is
        // how a small file declares a huge compressed column.
        var missingChunks = false
        if layout == H5D_CHUNKED, let count, count > 0 {
            var chunk = [hsize_t](repeating: 0, count: shape.count)
            let rank = try checked(H5Pget_chunk(properties.id, Int32(shape.count), &chunk), "H5Pget_chunk '\(key)'")
            var expected: UInt64 = 1
            for (dimension, size) in zip(shape, chunk.prefix(Int(rank))) where size > 0 {
                expected = expected.multipliedReportingOverflow(by: (UInt64(dimension) + size - 1) / size).partialValue
            }
            var written: hsize_t = 0
            let space = HDF5Handle(try checked(H5Dget_space(dataset.id), "H5Dget_space '\(key)'"), close: H5Sclose)
            try checked(H5Dget_num_chunks(dataset.id, space.id, &written), "H5Dget_num_chunks '\(key)'")
            missingChunks = written < expected
        }
        if missingChunks || declared.map({ $0 > 0 && (filters == 0 ? stored < $0 : stored == 0) }) ?? true {
            throw DatasetError.declaredSizeExceedsStorage(path: path, key: key, shape: shape, declaredBytes: declared, storedBytes: stored)
        }
        return count ?? 0
    }

    /// Checks that reading `rows` rows of `column` (`memoryElementSize` bytes per value) fits the memory
    /// limit: together with what whole-column reads of this file allocated before when `accumulating`
    /// (and then counts them), on its own otherwise (a block of a streamed read).
    private func reserveMemory(_ column: HDF5OpenColumn, rows: Int, memoryElementSize: Int, accumulating: Bool) throws {
        let (values, overflow) = rows.multipliedReportingOverflow(by: column.width)
        let product = values.multipliedReportingOverflow(by: memoryElementSize)
        let bytes = overflow || product.overflow ? nil : product.partialValue
        let needed = bytes.flatMap { value -> Int? in
            let (total, overflow) = value.addingReportingOverflow(accumulating ? bytesRead : 0)
            return overflow ? nil : total
        }
        guard let needed, needed <= memoryLimit else {
            var shape = column.shape
            if !accumulating && !shape.isEmpty { shape[0] = rows }
            throw DatasetError.declaredSizeExceedsMemory(path: path, key: column.key, shape: shape, neededBytes: needed, limit: memoryLimit)
        }
        if accumulating { bytesRead = needed }
    }

    /// Reads the elements `elements` (in row-major order over the whole dataset, which has `shape`) of
    /// `dataset` as `memoryType` into `buffer`. The selection is whole rows.
    private func read(_ dataset: HDF5Handle, key: String, shape: [Int], rows: Range<Int>, memoryType: hid_t, into buffer: UnsafeMutableRawPointer) throws {
        let width = shape.dropFirst().reduce(1, *)
        let fileSpace = HDF5Handle(try checked(H5Dget_space(dataset.id), "H5Dget_space '\(key)'"), close: H5Sclose)
        var start = [hsize_t](repeating: 0, count: shape.count)
        var count = shape.map { hsize_t($0) }
        start[0] = hsize_t(rows.lowerBound)
        count[0] = hsize_t(rows.count)
        try checked(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil), "H5Sselect_hyperslab '\(key)'")
        let memorySpace = HDF5Handle(try checked(H5Screate_simple(1, [hsize_t(rows.count * width)], nil), "H5Screate_simple '\(key)'"),
                                     close: H5Sclose)
        try checked(H5Dread(dataset.id, memoryType, memorySpace.id, fileSpace.id, chdf5_default(), buffer), "H5Dread '\(key)'")
    }

    /// Reads the elements of rows `rows` of `dataset` as `Value` (`memoryType`) in blocks of whole rows,
    /// handing each block and the index of its first element (counted from `rows.lowerBound`) to `body`.
    private func forEachBlock<Value>(_ dataset: HDF5Handle, key: String, shape: [Int], rows: Range<Int>, memoryType: hid_t, zero: Value,
                                     _ body: (UnsafeBufferPointer<Value>, Int) throws -> Void) throws {
        let width = shape.dropFirst().reduce(1, *)
        guard rows.count > 0, width > 0 else { return }
        let blockRows = max(1, Self.blockValues / width)
        var block = [Value](repeating: zero, count: min(rows.count, blockRows) * width)
        var row = rows.lowerBound
        while row < rows.upperBound {
            let range = row..<min(rows.upperBound, row + blockRows)
            try block.withUnsafeMutableBytes { buffer in
                try read(dataset, key: key, shape: shape, rows: range, memoryType: memoryType, into: buffer.baseAddress!)
            }
            try block.withUnsafeBufferPointer { buffer in
                try body(UnsafeBufferPointer(rebasing: buffer[0..<(range.count * width)]), (range.lowerBound - rows.lowerBound) * width)
            }
            row = range.upperBound
        }
    }

    /// The dataset's element type: its class, size in bytes and a name for messages.
    private func elementType(of dataset: HDF5Handle, key: String) throws -> (type: HDF5Handle, typeClass: H5T_class_t, size: Int, name: String) {
        let type = HDF5Handle(try checked(H5Dget_type(dataset.id), "H5Dget_type '\(key)'"), close: H5Tclose)
        let typeClass = H5Tget_class(type.id)
        if typeClass == H5T_NO_CLASS { _ = try checked(-1, "H5Tget_class '\(key)'") }
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
        return (type, typeClass, max(size, 1), name)
    }

    /// Opens a float32 or float64 key for reading (`wasDouble` says which it is). Any other type is
    /// `unsupportedType`; an empty shape (a scalar) is `wrongShape`; a declared size beyond the file's
    /// storage is refused. Nothing is allocated for its values yet.
    func openFloats(_ key: String) throws -> HDF5OpenColumn {
        let dataset = try openDataset(key)
        let shape = try shape(of: dataset, key: key)
        guard !shape.isEmpty else { throw DatasetError.wrongShape(path: path, key: key, shape: shape, expected: "one row per step") }
        let element = try elementType(of: dataset, key: key)
        guard element.typeClass == H5T_FLOAT, element.size == 4 || element.size == 8 else {
            throw DatasetError.unsupportedType(path: path, key: key, type: element.name, supported: "float32, float64 (converted to float32)")
        }
        _ = try checkedElementCount(dataset, key: key, shape: shape, storedElementSize: element.size)
        return HDF5OpenColumn(key: key, shape: shape, dataset: dataset, type: element.type,
                              memoryType: element.size == 4 ? chdf5_native_float() : chdf5_native_double(), wasDouble: element.size == 8)
    }

    /// Reads a float32 or float64 key as float32, whole (see `openFloats`). Its size, with every
    /// whole column read from this file before, must fit the memory limit.
    func readFloats(_ key: String) throws -> HDF5FloatColumn {
        let column = try openFloats(key)
        return try readFloats(column, rows: 0..<column.rows, accumulating: true)
    }

    /// Reads rows `rows` of a float column as float32: the result's shape has `rows.count` rows. Unless
    /// `accumulating` (a whole-column read), only these rows must fit the memory limit.
    func readFloats(_ column: HDF5OpenColumn, rows: Range<Int>, accumulating: Bool = false) throws -> HDF5FloatColumn {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= column.rows, "rows \(rows) outside '\(column.key)'")
        try reserveMemory(column, rows: rows.count, memoryElementSize: MemoryLayout<Float>.size, accumulating: accumulating)
        var shape = column.shape
        shape[0] = rows.count
        let count = rows.count * column.width
        if !column.wasDouble {
            let values = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0 {
                    buffer.initialize(repeating: 0)
                    try read(column.dataset, key: column.key, shape: column.shape, rows: rows, memoryType: column.memoryType, into: buffer.baseAddress!)
                }
                initialized = count
            }
            return HDF5FloatColumn(values: values, shape: shape, wasDouble: false)
        }
        var values = [Float](repeating: 0, count: count)
        try values.withUnsafeMutableBufferPointer { values in
            try forEachBlock(column.dataset, key: column.key, shape: column.shape, rows: rows, memoryType: column.memoryType, zero: Double(0)) { block, first in
                for (offset, value) in block.enumerated() { values[first + offset] = Float(value) }
            }
        }
        return HDF5FloatColumn(values: values, shape: shape, wasDouble: true)
    }

    /// Opens a flag key for reading: h5py's bool (a one-byte enum), an integer or a float type, of
    /// shape (rows,) or (rows, 1), its declared size checked against the file's storage.
    func openFlags(_ key: String) throws -> HDF5OpenColumn {
        let dataset = try openDataset(key)
        let shape = try shape(of: dataset, key: key)
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw DatasetError.wrongShape(path: path, key: key, shape: shape, expected: "(rows,) of 0 or 1")
        }
        let element = try elementType(of: dataset, key: key)
        _ = try checkedElementCount(dataset, key: key, shape: shape, storedElementSize: element.size)
        let memoryType: HDF5Handle?
        switch element.typeClass {
        case H5T_ENUM where element.size == 1:
            // h5py writes bool as an int8 enum {FALSE = 0, TRUE = 1}; read it in its own (native) type.
            memoryType = HDF5Handle(try checked(H5Tget_native_type(element.type.id, H5T_DIR_DEFAULT), "H5Tget_native_type '\(key)'"),
                                    close: H5Tclose)
        case H5T_INTEGER, H5T_FLOAT:
            memoryType = nil
        default:
            throw DatasetError.unsupportedType(path: path, key: key, type: element.name, supported: "bool, integer or float holding 0 or 1")
        }
        return HDF5OpenColumn(key: key, shape: shape, dataset: dataset, type: memoryType ?? element.type,
                              memoryType: memoryType?.id ?? (element.typeClass == H5T_INTEGER ? chdf5_native_int64() : chdf5_native_double()),
                              wasDouble: false, flagClass: element.typeClass)
    }

    /// Reads a flag key whole: its values must each be 0 or 1 (`invalidFlag` names the first row that is
    /// not). Its size, with every whole column read from this file before, must fit the memory limit.
    func readFlags(_ key: String) throws -> HDF5FlagColumn {
        let column = try openFlags(key)
        return try readFlags(column, rows: 0..<column.rows, accumulating: true)
    }

    /// Reads rows `rows` of a flag column (see `readFlags(_:)`); rows in errors count from the column's start.
    func readFlags(_ column: HDF5OpenColumn, rows: Range<Int>, accumulating: Bool = false) throws -> HDF5FlagColumn {
        precondition(rows.lowerBound >= 0 && rows.upperBound <= column.rows, "rows \(rows) outside '\(column.key)'")
        try reserveMemory(column, rows: rows.count, memoryElementSize: 1, accumulating: accumulating)
        var shape = column.shape
        shape[0] = rows.count
        var result = [Bool](repeating: false, count: rows.count * column.width)
        func convert<Value: Numeric>(zero: Value) throws {
            try result.withUnsafeMutableBufferPointer { result in
                try forEachBlock(column.dataset, key: column.key, shape: column.shape, rows: rows, memoryType: column.memoryType, zero: zero) { block, first in
                    for (offset, value) in block.enumerated() {
                        if value == 1 { result[first + offset] = true } else if value != 0 {
                            throw DatasetError.invalidFlag(path: path, key: column.key, row: rows.lowerBound + first + offset, value: Double("\(value)") ?? .nan)
                        }
                    }
                }
            }
        }
        switch column.flagClass {
        case H5T_INTEGER: try convert(zero: Int64(0))
        case H5T_FLOAT: try convert(zero: Double(0))
        default: try convert(zero: Int8(0))
        }
        return HDF5FlagColumn(values: result, shape: shape)
    }

    /// The attribute `name` of the object at `key` and its type, when it exists; one that is not a single value
    /// of `typeClass` is `invalidAttribute` ("is not one `kind`").
    private func scalarAttribute(_ name: String, of key: String, class typeClass: H5T_class_t, kind: String) throws -> (HDF5Handle, HDF5Handle)? {
        guard try checked(H5Aexists_by_name(file.id, key, name, chdf5_default()), "H5Aexists_by_name '\(key)' '\(name)'") > 0 else { return nil }
        let attribute = HDF5Handle(try checked(H5Aopen_by_name(file.id, key, name, chdf5_default(), chdf5_default()), "H5Aopen_by_name '\(key)' '\(name)'"),
                                   close: H5Aclose)
        let space = HDF5Handle(try checked(H5Aget_space(attribute.id), "H5Aget_space '\(key)' '\(name)'"), close: H5Sclose)
        let points = try checked(H5Sget_simple_extent_npoints(space.id), "H5Sget_simple_extent_npoints '\(key)' '\(name)'")
        let type = HDF5Handle(try checked(H5Aget_type(attribute.id), "H5Aget_type '\(key)' '\(name)'"), close: H5Tclose)
        guard points == 1, H5Tget_class(type.id) == typeClass else {
            throw DatasetError.invalidAttribute(path: path, key: key, name: name, reason: "is not one \(kind)")
        }
        return (attribute, type)
    }

    /// The integer attribute `name` of the object at `key`; nil when there is none. An attribute that
    /// is not one integer is `invalidAttribute`.
    func integerAttribute(_ name: String, of key: String) throws -> Int64? {
        guard let (attribute, _) = try scalarAttribute(name, of: key, class: H5T_INTEGER, kind: "integer") else { return nil }
        var value: Int64 = 0
        try checked(H5Aread(attribute.id, chdf5_native_int64(), &value), "H5Aread '\(key)' '\(name)'")
        return value
    }

    /// The most bytes a string attribute may hold when read (`stringAttribute`).
    static let stringAttributeLimit = 1 << 26

    /// The string attribute `name` of the object at `key` (UTF-8 or ASCII, fixed or variable length, as h5py
    /// writes a `str`); nil when there is none. An attribute that is not one string, or holds more than
    /// `stringAttributeLimit` bytes, is `invalidAttribute`.
    func stringAttribute(_ name: String, of key: String) throws -> String? {
        guard let (attribute, type) = try scalarAttribute(name, of: key, class: H5T_STRING, kind: "string") else { return nil }
        let memoryType = HDF5Handle(try checked(H5Tcopy(chdf5_c_string()), "H5Tcopy"), close: H5Tclose)
        try checked(H5Tset_cset(memoryType.id, H5Tget_cset(type.id)), "H5Tset_cset '\(key)' '\(name)'")
        if try checked(H5Tis_variable_str(type.id), "H5Tis_variable_str '\(key)' '\(name)'") > 0 {
            try checked(H5Tset_size(memoryType.id, chdf5_variable_size()), "H5Tset_size")
            var pointer: UnsafeMutablePointer<CChar>?
            try checked(H5Aread(attribute.id, memoryType.id, &pointer), "H5Aread '\(key)' '\(name)'")
            guard let pointer else { return "" }
            defer { H5free_memory(pointer) }
            let length = strnlen(pointer, Self.stringAttributeLimit + 1)
            guard length <= Self.stringAttributeLimit else {
                throw DatasetError.invalidAttribute(path: path, key: key, name: name, reason: "holds more than \(Self.stringAttributeLimit) bytes")
            }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
        }
        let size = H5Tget_size(type.id)
        guard size > 0, size <= Self.stringAttributeLimit else {
            throw DatasetError.invalidAttribute(path: path, key: key, name: name, reason: "is a string of \(size) bytes, more than the limit of \(Self.stringAttributeLimit)")
        }
        try checked(H5Tset_size(memoryType.id, size), "H5Tset_size")
        var bytes = [UInt8](repeating: 0, count: size)
        try checked(H5Aread(attribute.id, memoryType.id, &bytes), "H5Aread '\(key)' '\(name)'")
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Names of the links in group `group` ("/" for the root), in name order.
    func memberNames(of group: String) throws -> [String] {
        let handle = HDF5Handle(try checked(H5Gopen2(file.id, group, chdf5_default()), "H5Gopen2 '\(group)'"), close: H5Gclose)
        var info = H5G_info_t()
        try checked(H5Gget_info(handle.id, &info), "H5Gget_info '\(group)'")
        var names: [String] = []
        for index in 0..<info.nlinks {
            let length = try checked(H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, chdf5_default()),
                                     "H5Lget_name_by_idx '\(group)'")
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            try checked(H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, chdf5_default()),
                        "H5Lget_name_by_idx '\(group)'")
            names.append(String(cString: buffer))
        }
        return names
    }

    // MARK: Writing

    /// A handle of an object inside this file (closing it may write to the file).
    private func owned(_ id: hid_t, close: @escaping (hid_t) -> herr_t) -> HDF5Handle {
        HDF5Handle(id, close: close, file: state)
    }

    /// Closes `handle` now, checking the result (closing a dataset or group writes its metadata).
    private func close(_ handle: HDF5Handle, _ operation: String) throws {
        try checked(handle.closeNow(), operation)
    }

    /// A link-creation property list that creates missing parent groups (`infos/` for `infos/action_log_probs`).
    private func linkCreation() throws -> HDF5Handle {
        let list = HDF5Handle(try checked(H5Pcreate(chdf5_link_create_class()), "H5Pcreate"), close: H5Pclose)
        try checked(H5Pset_create_intermediate_group(list.id, 1), "H5Pset_create_intermediate_group")
        return list
    }

    /// The dataset-creation property list of a new column of `shape`: chunked, shuffled and deflated as
    /// `compression` says; nil (HDF5's default: contiguous, unfiltered) without compression or values.
    private func datasetCreation(shape: [Int], elementSize: Int, key: String) throws -> HDF5Handle? {
        guard let compression, let chunk = compression.chunkShape(of: shape, elementSize: elementSize) else { return nil }
        let list = HDF5Handle(try checked(H5Pcreate(chdf5_dataset_create_class()), "H5Pcreate '\(key)'"), close: H5Pclose)
        try checked(H5Pset_chunk(list.id, Int32(chunk.count), chunk.map { hsize_t($0) }), "H5Pset_chunk '\(key)'")
        // Shuffle first: it groups the bytes of equal significance, which deflate then finds runs in.
        try checked(H5Pset_shuffle(list.id), "H5Pset_shuffle '\(key)'")
        try checked(H5Pset_deflate(list.id, UInt32(compression.level)), "H5Pset_deflate '\(key)'")
        return list
    }

    /// A dataset-access property list without a chunk cache: each chunk is compressed and written during
    /// `H5Dwrite`, so a full disk fails there with the system's reason ("No space left on device"), as for a
    /// contiguous column. With the cache, the chunks would be written when the dataset closes, and the error
    /// would say only "unable to flush raw data".
    private func uncachedChunks(key: String) throws -> HDF5Handle {
        let list = HDF5Handle(try checked(H5Pcreate(chdf5_dataset_access_class()), "H5Pcreate '\(key)'"), close: H5Pclose)
        try checked(H5Pset_chunk_cache(list.id, chdf5_chunk_cache_slots_default(), 0, chdf5_chunk_cache_w0_default()), "H5Pset_chunk_cache '\(key)'")
        return list
    }

    private func writeDataset(_ key: String, fileType: hid_t, memoryType: hid_t, shape: [Int], bytes: UnsafeRawPointer?) throws {
        try checkUsable("H5Dcreate2 '\(key)'")
        let dimensions = shape.map { hsize_t($0) }
        let space = HDF5Handle(try checked(H5Screate_simple(Int32(dimensions.count), dimensions, nil), "H5Screate_simple '\(key)'"),
                               close: H5Sclose)
        let links = try linkCreation()
        let creation = try datasetCreation(shape: shape, elementSize: H5Tget_size(fileType), key: key)
        let access = try creation.map { _ in try uncachedChunks(key: key) }
        let dataset = owned(try checked(H5Dcreate2(file.id, key, fileType, space.id, links.id, creation?.id ?? chdf5_default(),
                                                   access?.id ?? chdf5_default()),
                                        "H5Dcreate2 '\(key)'"), close: H5Dclose)
        if shape.reduce(1, *) > 0 {
            try checked(H5Dwrite(dataset.id, memoryType, chdf5_all(), chdf5_all(), chdf5_default(), bytes), "H5Dwrite '\(key)'")
        }
        try close(dataset, "H5Dclose '\(key)'")
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
        let type = HDF5Handle(try checked(H5Tenum_create(chdf5_native_int8()), "H5Tenum_create"), close: H5Tclose)
        var no: Int8 = 0, yes: Int8 = 1
        try checked(H5Tenum_insert(type.id, "FALSE", &no), "H5Tenum_insert")
        try checked(H5Tenum_insert(type.id, "TRUE", &yes), "H5Tenum_insert")
        let bytes = values.map { $0 ? Int8(1) : Int8(0) }
        try bytes.withUnsafeBytes { buffer in
            try writeDataset(key, fileType: type.id, memoryType: type.id, shape: [values.count], bytes: buffer.baseAddress)
        }
    }

    /// Creates the group `key` (and its missing parents).
    func createGroup(_ key: String) throws {
        try checkUsable("H5Gcreate2 '\(key)'")
        let links = try linkCreation()
        let group = owned(try checked(H5Gcreate2(file.id, key, links.id, chdf5_default(), chdf5_default()), "H5Gcreate2 '\(key)'"), close: H5Gclose)
        try close(group, "H5Gclose '\(key)'")
    }

    /// Writes a scalar string attribute `name` on the object at `key`: variable-length UTF-8, which h5py
    /// reads as a `str`.
    func writeAttribute(_ text: String, named name: String, on key: String) throws {
        try checkUsable("H5Acreate_by_name '\(key)' '\(name)'")
        let type = HDF5Handle(try checked(H5Tcopy(chdf5_c_string()), "H5Tcopy"), close: H5Tclose)
        try checked(H5Tset_size(type.id, chdf5_variable_size()), "H5Tset_size")
        try checked(H5Tset_cset(type.id, H5T_CSET_UTF8), "H5Tset_cset")
        let space = HDF5Handle(try checked(H5Screate(H5S_SCALAR), "H5Screate"), close: H5Sclose)
        let attribute = owned(try checked(H5Acreate_by_name(file.id, key, name, type.id, space.id, chdf5_default(), chdf5_default(), chdf5_default()),
                                          "H5Acreate_by_name '\(key)' '\(name)'"), close: H5Aclose)
        try text.withCString { characters in
            var pointer: UnsafePointer<CChar>? = characters
            try checked(H5Awrite(attribute.id, type.id, &pointer), "H5Awrite '\(key)' '\(name)'")
        }
        try close(attribute, "H5Aclose '\(key)' '\(name)'")
    }

    /// Writes a scalar int64 attribute `name` on the object at `key`.
    func writeAttribute(_ value: Int64, named name: String, on key: String) throws {
        try checkUsable("H5Acreate_by_name '\(key)' '\(name)'")
        let space = HDF5Handle(try checked(H5Screate(H5S_SCALAR), "H5Screate"), close: H5Sclose)
        let attribute = owned(try checked(H5Acreate_by_name(file.id, key, name, chdf5_std_i64le(), space.id, chdf5_default(), chdf5_default(), chdf5_default()),
                                          "H5Acreate_by_name '\(key)' '\(name)'"), close: H5Aclose)
        var stored = value
        try checked(H5Awrite(attribute.id, chdf5_native_int64(), &stored), "H5Awrite '\(key)' '\(name)'")
        try close(attribute, "H5Aclose '\(key)' '\(name)'")
    }
}
