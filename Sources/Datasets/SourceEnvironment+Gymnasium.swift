import Foundation
import ReplayStore

/// The environment in the forms Minari and Gymnasium write it: `env_spec` (Gymnasium's `EnvSpec.to_json()`)
/// and the two serialised spaces, as Minari's `metadata.json` holds them and as D4RL files written here
/// hold them in attributes of their root group.
extension SourceEnvironment {
    /// Keys of the three strings, in `metadata.json` and as D4RL attributes.
    static let specKey = "env_spec"
    static let observationSpaceKey = "observation_space"
    static let actionSpaceKey = "action_space"

    /// Gymnasium's `EnvSpec.to_json()` layout, which Minari stores as the string `env_spec`; nil without an id.
    var gymnasiumSpecJSON: String? {
        guard let id else { return nil }
        func quoted(_ text: String?) -> String {
            guard let text else { return "null" }
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return #"{"id": "# + quoted(id) + #", "entry_point": "# + quoted(entryPoint)
            + #", "reward_threshold": null, "nondeterministic": false, "max_episode_steps": "# + (maxEpisodeSteps.map(String.init) ?? "null")
            + #", "order_enforce": true, "disable_env_checker": false, "kwargs": {}, "additional_wrappers": [], "vector_entry_point": null}"#
    }

    /// The environment the three strings describe (read from `path`): the spaces must parse as boxes; an
    /// `env_spec` that is missing or does not parse leaves the id (and entry point and limit) unknown.
    init(specJSON: String?, observationSpaceJSON: String, actionSpaceJSON: String, path: String) throws {
        struct Spec: Decodable {
            var id: String
            var entry_point: String?
            var max_episode_steps: Int?
        }
        var spec: Spec?
        if let specJSON {
            let decoder = JSONDecoder()
            decoder.allowsJSON5 = true
            spec = try? decoder.decode(Spec.self, from: Data(specJSON.utf8))
        }
        self.init(id: spec?.id, entryPoint: spec?.entry_point, maxEpisodeSteps: spec?.max_episode_steps.flatMap { $0 > 0 ? $0 : nil },
                  observationSpace: try BoxBounds(minariJSON: observationSpaceJSON, key: Self.observationSpaceKey, path: path),
                  actionSpace: try BoxBounds(minariJSON: actionSpaceJSON, key: Self.actionSpaceKey, path: path))
    }
}
