import Foundation
internal import ReverbProtos

/// Tensors as Reverb's `tensor_compression.cc` stores them: dtype and shape set, and `tensor_content` holding the
/// tensor's little-endian bytes compressed as one snappy block (no delta encoding for float and bool columns).
enum TensorCodec {
    /// A `[rows, width]` float tensor (or `[rows]` when `scalar`) from `values`, row-major.
    static func encode(floats values: UnsafeBufferPointer<Float>, rows: Int, width: Int, scalar: Bool) throws -> Tensorflow_TensorProto {
        precondition(values.count == rows * width)
        var tensor = Tensorflow_TensorProto()
        tensor.dtype = .dtFloat
        tensor.tensorShape = shape(scalar ? [rows] : [rows, width])
        // Float is little-endian on every platform Swift runs on here; the raw bytes are TensorFlow's layout.
        tensor.tensorContent = Data(try Snappy.compress(UnsafeRawBufferPointer(values)))
        return tensor
    }

    /// A `[rows]` bool tensor: one byte per element, 0 or 1, as TensorFlow stores `bool`.
    static func encode(booleans values: UnsafeBufferPointer<Bool>) throws -> Tensorflow_TensorProto {
        var tensor = Tensorflow_TensorProto()
        tensor.dtype = .dtBool
        tensor.tensorShape = shape([values.count])
        let bytes = values.map { $0 ? UInt8(1) : UInt8(0) }
        tensor.tensorContent = Data(try bytes.withUnsafeBytes { try Snappy.compress($0) })
        return tensor
    }

    /// A tensor of `shape` holding `bytes` as they are: uint8 elements, or the little-endian bytes of int64 ones.
    static func encode(raw bytes: [UInt8], dataType: Tensorflow_DataType, shape dimensions: [Int]) throws -> Tensorflow_TensorProto {
        var tensor = Tensorflow_TensorProto()
        tensor.dtype = dataType
        tensor.tensorShape = shape(dimensions)
        tensor.tensorContent = Data(try bytes.withUnsafeBytes { try Snappy.compress($0) })
        return tensor
    }

    static func shape(_ dimensions: [Int]) -> Tensorflow_TensorShapeProto {
        var shape = Tensorflow_TensorShapeProto()
        shape.dim = dimensions.map { size in
            var dimension = Tensorflow_TensorShapeProto.Dim()
            dimension.size = Int64(size)
            return dimension
        }
        return shape
    }

    /// A decoded column of a chunk: its leading dimension (rows), the elements per row, and the bytes.
    struct Column {
        var dataType: Tensorflow_DataType
        var rows: Int
        /// Elements per row: the product of the dimensions after the first.
        var width: Int
        /// Dimensions after the first, as the tensor declares them.
        var rowShape: [Int]
        /// Uncompressed little-endian contents, `rows × width × elementSize` bytes.
        var bytes: [UInt8]
    }

    /// Decodes one tensor of a chunk. Only float32, bool, uint8 and int64 columns are read; any other dtype, a shape without
    /// a leading dimension, or contents whose size disagrees with the shape is an error naming `what`.
    static func decode(_ tensor: Tensorflow_TensorProto, what: @autoclosure () -> String) throws -> Column {
        let elementSize: Int
        switch tensor.dtype {
        case .dtFloat: elementSize = 4
        case .dtBool, .dtUint8: elementSize = 1
        case .dtInt64: elementSize = 8
        default: throw ReverbError.malformedResponse("\(what()) has dtype \(tensor.dtype), expected float32, bool, uint8 or int64")
        }
        let dimensions = tensor.tensorShape.dim.map(\.size)
        guard !tensor.tensorShape.unknownRank, let first = dimensions.first else {
            throw ReverbError.malformedResponse("\(what()) has no leading (time) dimension")
        }
        var count = 1
        for size in dimensions {
            guard size >= 0, size <= Int64(Int32.max) else {
                throw ReverbError.malformedResponse("\(what()) has a dimension of size \(size)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: Int(size))
            // 1 GiB per column is far beyond what Reverb sends in one chunk.
            guard !overflow, product <= (1 << 30) / elementSize else {
                throw ReverbError.malformedResponse("\(what()) declares a shape \(dimensions) too large to hold")
            }
            count = product
        }
        let rowShape = dimensions.dropFirst().map { Int($0) }
        let width = rowShape.reduce(1, *)
        let bytes = try Snappy.uncompress([UInt8](tensor.tensorContent), expectedCount: count * elementSize, what: what())
        return Column(dataType: tensor.dtype, rows: Int(first), width: width, rowShape: rowShape, bytes: bytes)
    }
}
