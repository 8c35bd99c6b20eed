/// The `offpolicy` executable the real-process tests need is not built.
struct MissingBinaryError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
