import json
import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file

def load_policy(path):
    """The deterministic policy of an offpolicy SAC or TD3 (also DDPG, TD3+BC, BC) policy.safetensors."""
    weights = {name: value.astype(np.float64) for name, value in load_file(path).items()}
    with safe_open(path, "np") as f:
        meta = f.metadata()
    low, high = np.array(json.loads(meta["action_low"])), np.array(json.loads(meta["action_high"]))
    hidden = np.tanh if meta["activation"] == "tanh" else (lambda x: np.maximum(x, 0))
    prefix = "latent_pi." if "latent_pi.0.weight" in weights else "mu."  # SAC's layout, or TD3's
    layers, i = [], 0
    while f"{prefix}{i}.weight" in weights:
        layers.append((weights[f"{prefix}{i}.weight"], weights[f"{prefix}{i}.bias"]))
        i += 2
    if prefix == "latent_pi.":
        layers.append((weights["mu.weight"], weights["mu.bias"]))  # SAC's mean head; log_std is unused here

    def policy(observation):
        x = np.asarray(observation, dtype=np.float64)
        for k, (weight, bias) in enumerate(layers):
            x = x @ weight.T + bias
            x = np.tanh(x) if k == len(layers) - 1 else hidden(x)
        return low + (x + 1) * (high - low) / 2  # from [-1, 1] to the environment's bounds

    return policy

if __name__ == "__main__":
    import sys  # policy_numpy.py POLICY '[[observation...], ...]' prints one action per observation
    policy = load_policy(sys.argv[1])
    print(json.dumps([policy(observation).tolist() for observation in json.loads(sys.argv[2])]))
