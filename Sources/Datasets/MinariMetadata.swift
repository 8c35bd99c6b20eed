/// The fields of a Minari `data/metadata.json` that import reads.
struct MinariMetadata: Decodable {
    var totalEpisodes: Int
    var totalSteps: Int
    var dataFormat: String?
    var observationSpace: String?
    var actionSpace: String?
    var envSpec: String?
    var datasetID: String?
    var minariVersion: String?

    private enum CodingKeys: String, CodingKey {
        case totalEpisodes = "total_episodes", totalSteps = "total_steps", dataFormat = "data_format"
        case observationSpace = "observation_space", actionSpace = "action_space", envSpec = "env_spec"
        case datasetID = "dataset_id", minariVersion = "minari_version"
    }
}
