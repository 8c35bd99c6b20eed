/// One leaf of a table's signature: a named tensor of a fixed per-item shape and dtype.
public struct ReverbTensorSpec: Equatable, Sendable {
    /// The leaf's path in the signature (the dict key for a dict signature).
    public var name: String
    /// Per-item shape; `-1` for a dimension the signature leaves open.
    public var shape: [Int]
    /// TensorFlow's name for the dtype: `float32`, `bool`, `int64`, ...
    public var dataType: String

    public init(name: String, shape: [Int], dataType: String) {
        self.name = name
        self.shape = shape
        self.dataType = dataType
    }
}
