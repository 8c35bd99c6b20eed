/// Element type of the float columns. Only float32 exists today; the field makes that explicit on disk.
public enum StoreValueType: String, Codable, Sendable {
    case float32
}
