internal import CSnappy

/// Snappy's raw block format, as Reverb's `tensor_compression.cc` applies it to a tensor's bytes.
enum Snappy {
    /// `bytes` compressed as one snappy block.
    static func compress(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var capacity = snappy_max_compressed_length(bytes.count)
        var output = [UInt8](repeating: 0, count: capacity)
        let status = output.withUnsafeMutableBufferPointer { out in
            snappy_compress(bytes.baseAddress?.assumingMemoryBound(to: CChar.self) ?? "", bytes.count,
                            UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self), &capacity)
        }
        try check(status, "compressing \(bytes.count) bytes")
        output.removeSubrange(capacity...)
        return output
    }

    /// The uncompressed length a snappy block declares, checked against `expected` before anything is allocated.
    static func uncompress(_ block: [UInt8], expectedCount expected: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        var length = 0
        let lengthStatus = block.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { snappy_uncompressed_length($0.baseAddress ?? "", $0.count, &length) }
        }
        try check(lengthStatus, "reading the length of \(what())")
        guard length == expected else {
            throw ReverbError.malformedResponse("\(what()) holds \(length) bytes once uncompressed, expected \(expected)")
        }
        if length == 0 { return [] }
        var output = [UInt8](repeating: 0, count: length)
        var outputLength = length
        let status = block.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { input in
                output.withUnsafeMutableBufferPointer { out in
                    out.withMemoryRebound(to: CChar.self) {
                        snappy_uncompress(input.baseAddress ?? "", input.count, $0.baseAddress!, &outputLength)
                    }
                }
            }
        }
        try check(status, "uncompressing \(what())")
        guard outputLength == expected else {
            throw ReverbError.malformedResponse("\(what()) uncompressed to \(outputLength) bytes, expected \(expected)")
        }
        return output
    }

    /// The single place a snappy status becomes an error.
    private static func check(_ status: snappy_status, _ operation: @autoclosure () -> String) throws {
        switch status {
        case SNAPPY_OK: return
        case SNAPPY_INVALID_INPUT: throw ReverbError.malformedResponse("snappy: invalid input while \(operation())")
        case SNAPPY_BUFFER_TOO_SMALL: throw ReverbError.malformedResponse("snappy: buffer too small while \(operation())")
        default: throw ReverbError.malformedResponse("snappy: status \(status.rawValue) while \(operation())")
        }
    }
}
