#!/usr/bin/env python3
"""d3rlpy 2.8.1's fitted Q evaluation of an offpolicy policy file, on a D4RL-style HDF5 dataset.

d3rlpy's FQE evaluates `algo.impl.predict_best_action` (a deterministic policy). Here that is the policy in
`policy.safetensors` (read by Tests/LearnersTests/Fixtures/policy_numpy.py), in environment units, as the
dataset's actions are; no scaler on either side, as `offpolicy ope` uses none. FQEConfig keeps d3rlpy's
defaults (learning rate 1e-4, batch 100, target copied every 100 updates, one 256-256 Q-network) with
--gamma. The estimate is d3rlpy's InitialStateValueEstimationEvaluator: the mean of Q̂(s0, π(s0)) over the
dataset's episodes. The last line of output is {"value": …, "updates": …, "seconds": …}.

Run it with the d3rlpy venv's Python (d3rlpy==2.8.1, h5py, safetensors):
  /work/venvs/d3rlpy/bin/python scripts/d3rlpy-fqe.py --policy RUN/policy.safetensors --dataset datasets/pendulum-medium.hdf5
"""
import argparse, json, sys, time
from pathlib import Path

import h5py, numpy as np, torch, d3rlpy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests/LearnersTests/Fixtures"))
from policy_numpy import load_policy  # noqa: E402


class PolicyImpl:
    """What FQE asks of the evaluated algorithm's implementation: the deterministic action of a batch."""

    def __init__(self, policy):
        self.policy = policy

    def predict_best_action(self, observations):
        actions = self.policy(observations.detach().cpu().numpy())
        return torch.as_tensor(actions, dtype=torch.float32, device=observations.device)


class Policy:
    """The evaluated algorithm as FQE and its evaluator use it: `impl` and `predict`."""

    def __init__(self, policy):
        self.policy = policy
        self.impl = PolicyImpl(policy)

    def predict(self, observations):
        return self.policy(np.asarray(observations)).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policy", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--gamma", type=float, default=0.99)
    parser.add_argument("--updates", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    d3rlpy.seed(args.seed)
    with h5py.File(args.dataset, "r") as f:
        dataset = d3rlpy.dataset.MDPDataset(
            observations=f["observations"][:], actions=f["actions"][:], rewards=f["rewards"][:],
            terminals=f["terminals"][:].astype(np.float32), timeouts=f["timeouts"][:].astype(np.float32))
    policy = Policy(load_policy(args.policy))
    fqe = d3rlpy.ope.FQE(algo=policy, config=d3rlpy.ope.FQEConfig(gamma=args.gamma), device="cpu:0")
    start = time.perf_counter()
    fqe.fit(dataset, n_steps=args.updates, n_steps_per_epoch=args.updates, show_progress=False,
            logger_adapter=d3rlpy.logging.NoopAdapterFactory())
    seconds = time.perf_counter() - start
    value = d3rlpy.metrics.InitialStateValueEstimationEvaluator()(fqe, dataset)
    print(json.dumps({"value": float(value), "updates": args.updates, "seconds": seconds}))


if __name__ == "__main__":
    main()
