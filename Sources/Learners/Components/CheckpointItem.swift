import NeuralNetwork

/// One named part of a learner's state in `learner.safetensors`. A learner lists its parts once;
/// `Checkpoint` writes and reads them all from that one list.
public enum CheckpointItem {
    /// The network's parameters as tensors named `prefix + region.name`.
    case network(MLP, regions: [ParameterRegion], prefix: String)
    /// The optimiser's moments as `name.exp_avg` and `name.exp_avg_sq` (PyTorch's names); its step
    /// count goes into `learner.json`.
    case optimizer(Adam, name: String)
    /// A flat vector (for example SAC's `log_alpha`).
    case vector(FloatBuffer, name: String)
}
