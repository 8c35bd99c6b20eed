internal import CSnappy

/// Snappy's raw block format, as Reverb's `tensor_compression.cc` applies it to a tensor's bytes.
enum Snappy {
    /// `bytes` compressed as one snappy block.
    static func compress(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        var capacity = snappy_max_compressed_length(bytes.count)
        var output = [UInt8](repeating: 0, count: capacity)
        let status = withChars(bytes) { input in
            output.withUnsafeMutableBytes { out in
                snappy_compress(input, bytes.count, out.baseAddress!.assumingMemoryBound(to: CChar.self), &capacity)
            }
        }
        try check(status, "compressing \(bytes.count) bytes")
        output.removeSubrange(capacity...)
        return output
    }

    /// The contents of one snappy block, whose declared length must be `expected` (checked before anything is allocated).
    static func uncompress(_ block: [UInt8], expectedCount expected: Int, what: @autoclosure () -> String) throws -> [UInt8] {
        var length = 0
        let lengthStatus = block.withUnsafeBytes { raw in withChars(raw) { snappy_uncompressed_length($0, raw.count, &length) } }
        try check(lengthStatus, "reading the length of \(what())")
        guard length == expected else {
            throw ReverbError.malformedResponse("\(what()) holds \(length) bytes once uncompressed, expected \(expected)")
        }
        if length == 0 { return [] }
        var output = [UInt8](repeating: 0, count: length)
        var outputLength = length
        let status = block.withUnsafeBytes { raw in
            withChars(raw) { input in
                output.withUnsafeMutableBytes { out in
                    snappy_uncompress(input, raw.count, out.baseAddress!.assumingMemoryBound(to: CChar.self), &outputLength)
                }
            }
        }
        try check(status, "uncompressing \(what())")
        guard outputLength == expected else {
            throw ReverbError.malformedResponse("\(what()) uncompressed to \(outputLength) bytes, expected \(expected)")
        }
        return output
    }

    /// `bytes` as the `const char *` snappy takes; an empty buffer (no base address) becomes a pointer to one zero byte.
    private static func withChars<T>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<CChar>) -> T) -> T {
        if let base = bytes.baseAddress { return body(base.assumingMemoryBound(to: CChar.self)) }
        var zero: CChar = 0
        return withUnsafePointer(to: &zero) { body($0) }
    }

    /// The single place a snappy status becomes an error.
    private static func check(_ status: snappy_status, _ operation: @autoclosure () -> String) throws {
        switch status {
        case SNAPPY_OK: return
        case SNAPPY_INVALID_INPUT: throw ReverbError.malformedResponse("snappy found invalid input while \(operation())")
        case SNAPPY_BUFFER_TOO_SMALL: throw ReverbError.malformedResponse("snappy's buffer was too small while \(operation())")
        default: throw ReverbError.malformedResponse("snappy returned status \(status.rawValue) while \(operation())")
        }
    }
}
