/// One `tensorboard.Event` of the two kinds a run writes: the first of every file, naming the format, and
/// scalar summaries. Only the fields used are encoded, with the field numbers of TensorBoard's protos:
///
/// ```
/// tensorboard/compat/proto/event.proto    message Event { double wall_time = 1; int64 step = 2;
///                                           oneof what { string file_version = 3; Summary summary = 5; ... } }
/// tensorboard/compat/proto/summary.proto  message Summary { repeated Value value = 1; }
///                                         message Summary.Value { string tag = 1;
///                                           oneof value { float simple_value = 2; ... } }
/// ```
public struct Event: Equatable, Sendable {
    /// The `file_version` of the first event of a file, as TensorFlow and TensorBoard write it.
    public static let fileVersion = "brain.Event:2"

    /// One value of a summary: TensorBoard's `Summary.Value` with a `simple_value`.
    public struct Scalar: Equatable, Sendable {
        public var tag: String
        public var value: Float

        public init(tag: String, value: Float) {
            self.tag = tag
            self.value = value
        }
    }

    public enum Content: Equatable, Sendable {
        /// `file_version` (the first event of a file).
        case fileVersion(String)
        /// A `summary` of scalar values (none: an event with neither field).
        case scalars([Scalar])
    }

    /// Seconds since 1970 when the event was written.
    public var wallTime: Double
    public var step: Int64
    public var content: Content

    public init(wallTime: Double, step: Int64, content: Content) {
        self.wallTime = wallTime
        self.step = step
        self.content = content
    }

    /// The event's protobuf encoding (fields in number order, as protobuf's own encoders write them).
    public func encoded() -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        if step != 0 { event.int64(2, step) }  // proto3 leaves a default value out
        switch content {
        case .fileVersion(let version):
            event.string(3, version)
        case .scalars(let scalars):
            var summary = ProtobufWriter()
            for scalar in scalars {
                var value = ProtobufWriter()
                value.string(1, scalar.tag)
                value.float(2, scalar.value)
                summary.lengthDelimited(1, value.bytes)
            }
            event.lengthDelimited(5, summary.bytes)
        }
        return event.bytes
    }

    /// Decodes an event's wall time, step, and its file version or scalar values; other fields (and
    /// summary values that are not simple values) are skipped. Nil when `bytes` are not a protobuf message.
    public init?<Bytes: Collection>(decoding bytes: Bytes) where Bytes.Element == UInt8 {
        guard let fields = ProtobufReader.fields(of: ArraySlice(bytes)) else { return nil }
        var (wallTime, step, version, scalars) = (0.0, Int64(0), String?.none, [Scalar]())
        for field in fields {
            switch (field.number, field.value) {
            case (1, .fixed64(let bits)): wallTime = Double(bitPattern: bits)
            case (2, .varint(let value)): step = Int64(bitPattern: value)
            case (3, .lengthDelimited(let text)): version = String(decoding: text, as: UTF8.self)
            case (5, .lengthDelimited(let summary)):
                guard let values = ProtobufReader.fields(of: summary) else { return nil }
                for case (1, .lengthDelimited(let value)) in values.map({ ($0.number, $0.value) }) {
                    guard let parts = ProtobufReader.fields(of: value) else { return nil }
                    var tag: String?, simple: Float?
                    for part in parts {
                        switch (part.number, part.value) {
                        case (1, .lengthDelimited(let text)): tag = String(decoding: text, as: UTF8.self)
                        case (2, .fixed32(let bits)): simple = Float(bitPattern: bits)
                        default: break
                        }
                    }
                    if let tag, let simple { scalars.append(Scalar(tag: tag, value: simple)) }
                }
            default: break
            }
        }
        self.init(wallTime: wallTime, step: step, content: version.map { .fileVersion($0) } ?? .scalars(scalars))
    }
}
