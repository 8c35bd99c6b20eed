internal import ReverbProtos

/// What `ReverbClient.serverInfo()` reports about one table.
public struct ReverbTableInfo: Equatable, Sendable {
    public var name: String
    public var sampler: ReverbSelector
    public var remover: ReverbSelector
    public var maxSize: Int64
    /// Items held when the server answered.
    public var currentSize: Int64
    /// Times an item can be sampled before it is removed; 0 or less for no limit.
    public var maxTimesSampled: Int32
    public var rateLimiter: ReverbRateLimiterInfo
    /// The signature's leaves in the order Reverb flattens them, or nil when the table has no signature.
    public var signature: [ReverbTensorSpec]?
    public var episodeCount: Int64

    public init(name: String, sampler: ReverbSelector, remover: ReverbSelector, maxSize: Int64, currentSize: Int64,
                maxTimesSampled: Int32, rateLimiter: ReverbRateLimiterInfo, signature: [ReverbTensorSpec]?, episodeCount: Int64) {
        self.name = name
        self.sampler = sampler
        self.remover = remover
        self.maxSize = maxSize
        self.currentSize = currentSize
        self.maxTimesSampled = maxTimesSampled
        self.rateLimiter = rateLimiter
        self.signature = signature
        self.episodeCount = episodeCount
    }

    init(_ proto: Deepmind_Reverb_TableInfo) throws {
        let limiter = proto.rateLimiterInfo
        self.init(
            name: proto.name,
            sampler: ReverbSelector(proto.samplerOptions), remover: ReverbSelector(proto.removerOptions),
            maxSize: proto.maxSize, currentSize: proto.currentSize, maxTimesSampled: proto.maxTimesSampled,
            rateLimiter: ReverbRateLimiterInfo(
                samplesPerInsert: limiter.samplesPerInsert, minDiff: limiter.minDiff, maxDiff: limiter.maxDiff,
                minSizeToSample: limiter.minSizeToSample, insertsCompleted: limiter.insertStats.completed,
                samplesCompleted: limiter.sampleStats.completed),
            signature: proto.hasSignature ? try Self.leaves(of: proto.signature, path: "", table: proto.name) : nil,
            episodeCount: proto.numEpisodes)
    }

    /// Flattens a signature the way tf.nest does: dict keys sorted, lists and tuples in order.
    private static func leaves(of value: Tensorflow_StructuredValue, path: String, table: String) throws -> [ReverbTensorSpec] {
        func spec(_ shape: Tensorflow_TensorShapeProto, _ dtype: Tensorflow_DataType) -> ReverbTensorSpec {
            ReverbTensorSpec(name: path, shape: shape.unknownRank ? [-1] : shape.dim.map { Int($0.size) }, dataType: dtype.tensorFlowName)
        }
        func child(_ key: String) -> String { path.isEmpty ? key : "\(path)/\(key)" }
        switch value.kind {
        case .tensorSpecValue(let leaf): return [spec(leaf.shape, leaf.dtype)]
        case .boundedTensorSpecValue(let leaf): return [spec(leaf.shape, leaf.dtype)]
        case .dictValue(let dict):
            return try dict.fields.keys.sorted().flatMap { try leaves(of: dict.fields[$0]!, path: child($0), table: table) }
        case .listValue(let list):
            return try list.values.enumerated().flatMap { try leaves(of: $1, path: child(String($0)), table: table) }
        case .tupleValue(let tuple):
            return try tuple.values.enumerated().flatMap { try leaves(of: $1, path: child(String($0)), table: table) }
        case .namedTupleValue(let tuple):
            return try tuple.values.flatMap { try leaves(of: $0.value, path: child($0.key), table: table) }
        default:
            throw ReverbError.malformedResponse("the signature of table '\(table)' has a leaf at '\(path)' that is not a tensor spec")
        }
    }

    /// Checks that this table holds transitions of the given widths in the seven-column layout
    /// (`TransitionColumn`), with one sentence naming the first difference.
    public func checkTransitionSignature(observationSize: Int, actionSize: Int) throws {
        guard let signature else {
            throw ReverbError.signatureMismatch(table: name, reason: "the table has no signature; it needs the seven transition columns")
        }
        let expected = TransitionColumn.allCases.map(\.name)
        guard signature.map(\.name) == expected else {
            throw ReverbError.signatureMismatch(
                table: name, reason: "its columns are \(signature.map(\.name).joined(separator: ", ")), expected \(expected.joined(separator: ", "))")
        }
        for (column, leaf) in zip(TransitionColumn.allCases, signature) {
            let shape = column.shape(observationSize: observationSize, actionSize: actionSize)
            guard leaf.shape == shape else {
                throw ReverbError.signatureMismatch(table: name, reason: "column '\(leaf.name)' has shape \(leaf.shape), this run needs \(shape)")
            }
            guard leaf.dataType == column.dataTypeName else {
                throw ReverbError.signatureMismatch(table: name, reason: "column '\(leaf.name)' has dtype \(leaf.dataType), this run needs \(column.dataTypeName)")
            }
        }
    }
}

extension ReverbSelector {
    init(_ options: Deepmind_Reverb_KeyDistributionOptions) {
        switch options.distribution {
        case .uniform: self = .uniform
        case .fifo: self = .fifo
        case .lifo: self = .lifo
        case .prioritized(let prioritized): self = .prioritized(exponent: prioritized.priorityExponent)
        case .heap(let heap): self = .heap(minHeap: heap.minHeap)
        case nil: self = .unknown
        }
    }
}

extension Tensorflow_DataType {
    /// TensorFlow's Python name for the dtypes a transition table uses; others by their enum case.
    var tensorFlowName: String {
        switch self {
        case .dtFloat: return "float32"
        case .dtDouble: return "float64"
        case .dtBool: return "bool"
        case .dtInt32: return "int32"
        case .dtInt64: return "int64"
        case .dtUint8: return "uint8"
        default: return "\(self)"
        }
    }
}
