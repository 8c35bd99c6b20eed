internal import ReverbProtos

/// The seven columns of a transition item, in the order Reverb's Python client flattens a dict trajectory
/// (tf.nest sorts a dict's keys), so that an item written by either client unpacks the same way in the other.
public enum TransitionColumn: Int, CaseIterable, Sendable {
    case action
    case behaviorLogProbability
    case nextObservation
    case observation
    case reward
    case terminated
    case truncated

    /// The key of this column in the table's signature and in a Python trajectory dict.
    public var name: String {
        switch self {
        case .action: return "action"
        case .behaviorLogProbability: return "behavior_log_probability"
        case .nextObservation: return "next_observation"
        case .observation: return "observation"
        case .reward: return "reward"
        case .terminated: return "terminated"
        case .truncated: return "truncated"
        }
    }

    /// Elements of one transition in this column: its width, 1 for a scalar.
    func width(observationSize: Int, actionSize: Int) -> Int {
        switch self {
        case .observation, .nextObservation: return observationSize
        case .action: return actionSize
        case .reward, .behaviorLogProbability, .terminated, .truncated: return 1
        }
    }

    /// The per-transition shape a signature gives this column: `[width]` for vectors, `[]` for scalars.
    func shape(observationSize: Int, actionSize: Int) -> [Int] {
        switch self {
        case .observation, .nextObservation, .action: return [width(observationSize: observationSize, actionSize: actionSize)]
        case .reward, .behaviorLogProbability, .terminated, .truncated: return []
        }
    }

    var isBoolean: Bool { self == .terminated || self == .truncated }

    var dataType: Tensorflow_DataType { isBoolean ? .dtBool : .dtFloat }

    /// The name TensorFlow gives the dtype, as Python prints it.
    var dataTypeName: String { isBoolean ? "bool" : "float32" }
}
