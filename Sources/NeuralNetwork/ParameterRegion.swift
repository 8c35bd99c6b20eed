/// A named slice of a flat parameter buffer, with the shape it has as a tensor
/// (for example `mu.weight`, [actionSize, hidden], at some offset of an actor's buffer).
public struct ParameterRegion: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int

    public init(name: String, shape: [Int], offset: Int) {
        self.name = name
        self.shape = shape
        self.offset = offset
    }

    public var count: Int { shape.reduce(1, *) }

    /// The regions of every weight and bias, named `prefix + "\(2l).weight"` / `".bias"` as in a PyTorch
    /// `nn.Sequential` of Linear layers with an activation module between them (indices 0, 2, 4, …).
    public static func sequential(_ network: MLP, prefix: String, layers: Range<Int>? = nil) -> [ParameterRegion] {
        (layers ?? 0..<network.layers.count).flatMap { l -> [ParameterRegion] in
            let layer = network.layers[l]
            return [ParameterRegion(name: "\(prefix)\(2 * l).weight", shape: [layer.outputSize, layer.inputSize], offset: layer.weightOffset),
                    ParameterRegion(name: "\(prefix)\(2 * l).bias", shape: [layer.outputSize], offset: layer.biasOffset)]
        }
    }

    /// Copies each region of `buffer` into a tensor.
    public static func tensors(_ regions: [ParameterRegion], of buffer: FloatBuffer, namePrefix: String = "") -> [Tensor] {
        regions.map { region in
            precondition(region.offset + region.count <= buffer.count, "region \(region.name) lies outside the buffer")
            return Tensor(name: namePrefix + region.name, shape: region.shape,
                          values: Array(UnsafeBufferPointer(start: buffer.base + region.offset, count: region.count)))
        }
    }

    /// Copies `tensors[namePrefix + region.name]` into each region of `buffer`, checking names and shapes.
    public static func load(_ regions: [ParameterRegion], into buffer: FloatBuffer, from tensors: [String: Tensor], namePrefix: String = "") throws {
        for region in regions {
            let name = namePrefix + region.name
            guard let tensor = tensors[name] else {
                throw Safetensors.FormatError(description: "tensor '\(name)' is missing")
            }
            guard tensor.shape == region.shape else {
                throw Safetensors.FormatError(description: "tensor '\(name)' has shape \(tensor.shape), expected \(region.shape)")
            }
            tensor.values.withUnsafeBufferPointer { buffer.base.advanced(by: region.offset).update(from: $0.baseAddress!, count: region.count) }
        }
    }
}
