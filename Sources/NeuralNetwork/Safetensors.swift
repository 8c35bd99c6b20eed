import Foundation

/// Reads and writes the safetensors format (https://github.com/huggingface/safetensors):
/// an 8-byte little-endian header length N, N bytes of JSON header
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}`,
/// then the raw little-endian tensor bytes. Only float32 tensors are written or accepted.
public enum Safetensors {
    public struct FormatError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `tensors` (in the given order) and string `metadata` to `file`, atomically.
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to file: URL) throws {
        var names = Set<String>()
        var header = "{"
        var offset = 0
        var entries: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
            entries.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        for tensor in tensors {
            guard names.insert(tensor.name).inserted, tensor.name != "__metadata__" else {
                throw FormatError(description: "tensor name '\(tensor.name)' is used twice or reserved")
            }
            let end = offset + tensor.values.count * 4
            entries.append("\(quoted(tensor.name)):{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        header += entries.joined(separator: ",") + "}"
        // Pad with spaces so the data starts 8-byte aligned, as the reference implementation does.
        while (header.utf8.count % 8) != 0 { header += " " }

        var data = Data(capacity: 8 + header.utf8.count + offset)
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for tensor in tensors {
            tensor.values.withUnsafeBufferPointer { values in
                #if _endian(little)
                data.append(UnsafeBufferPointer(start: UnsafeRawPointer(values.baseAddress!).assumingMemoryBound(to: UInt8.self),
                                                count: values.count * 4))
                #else
                for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
                #endif
            }
        }
        try AtomicFile.write(data, to: file)
    }

    /// Largest header this reader accepts (the reference implementation's limit is 100 MB).
    public static let maximumHeaderBytes = 100_000_000
    /// Largest element count of one tensor: 2^31 (8 GiB of float32); every dimension and every product
    /// of dimensions is checked against it before it is used.
    public static let maximumElementCount = 1 << 31

    /// Reads every tensor of `file`, keyed by name, and the metadata. Every size in the header (header
    /// length, dimensions, their product, data offsets) is checked against the file and the limits above
    /// before it is used, so a damaged or hostile file is an error naming the tensor, never a trap.
    public static func read(from file: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw FormatError(description: "\(file.path): cannot be read (\(error.localizedDescription))")
        }
        func fail(_ message: String) -> FormatError { FormatError(description: "\(file.path): \(message)") }
        guard data.count >= 8 else { throw fail("too short for a safetensors header") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8) else { throw fail("header length \(headerLength) exceeds the file size") }
        guard headerLength <= UInt64(maximumHeaderBytes) else {
            throw fail("header length \(headerLength) exceeds the limit of \(maximumHeaderBytes) bytes")
        }
        let dataStart = 8 + Int(headerLength)
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data.subdata(in: 8..<dataStart))
        } catch {
            throw fail("header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else { throw fail("header is not a JSON object") }
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        let byteCount = data.count - dataStart
        for (name, value) in header {
            if name == "__metadata__" {
                guard let pairs = value as? [String: String] else { throw fail("__metadata__ must map strings to strings") }
                metadata = pairs
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtype = entry["dtype"] as? String,
                  let shapeNumbers = entry["shape"] as? [Any],
                  let offsetNumbers = entry["data_offsets"] as? [Any], offsetNumbers.count == 2
            else { throw fail("tensor '\(name)' has a malformed header entry") }
            guard dtype == "F32" else { throw fail("tensor '\(name)' has dtype \(dtype); only F32 is supported") }
            // Whole numbers only: 1.5, 1e300 or a number beyond Int64 is not a size.
            let shape = shapeNumbers.compactMap(exactInteger), offsets = offsetNumbers.compactMap(exactInteger)
            guard shape.count == shapeNumbers.count else {
                throw fail("tensor '\(name)' has a shape \(shapeNumbers) that is not a list of whole numbers")
            }
            guard offsets.count == 2 else {
                throw fail("tensor '\(name)' has data offsets \(offsetNumbers) that are not whole numbers")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("tensor '\(name)' has a negative dimension") }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= maximumElementCount else {
                    throw fail("tensor '\(name)' has shape \(shape), more than the limit of \(maximumElementCount) elements")
                }
                count = product
            }
            let (begin, end) = (offsets[0], offsets[1])
            // count <= 2^31, so count * 4 cannot overflow; begin and end are checked before they are subtracted.
            guard begin >= 0, end >= begin, end <= byteCount, end - begin == count * 4 else {
                throw fail("tensor '\(name)' has data offsets [\(begin), \(end)] that do not fit shape \(shape) in \(byteCount) data bytes")
            }
            var values = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { bytes in
                for i in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: dataStart + begin + 4 * i, as: UInt32.self)
                    values[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
            tensors[name] = Tensor(name: name, shape: shape, values: values)
        }
        return (tensors, metadata)
    }

    /// A JSON number that is exactly an `Int` (nil for 1.5, 1e300, 2^64, strings).
    private static func exactInteger(_ value: Any) -> Int? {
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, abs(double) <= 0x1p63 else { return nil }
        let integer = number.int64Value
        // int64Value of a number beyond Int64 wraps or clamps; compare with the double to notice.
        guard Double(integer) == double || abs(double) > 0x1p53 && "\(number)" == "\(integer)" else { return nil }
        return Int(integer)
    }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
