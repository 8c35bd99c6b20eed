/// A number or a nested list of numbers, as a serialised space's `low` and `high` hold them.
indirect enum JSONNumbers: Decodable {
    case number(Double)
    case list([JSONNumbers])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else {
            self = .list(try container.decode([JSONNumbers].self))
        }
    }

    /// Every number in order, nesting removed.
    var flattened: [Double] {
        switch self {
        case let .number(value): return [value]
        case let .list(items): return items.flatMap(\.flattened)
        }
    }
}
