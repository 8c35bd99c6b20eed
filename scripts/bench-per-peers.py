#!/usr/bin/env python3
"""Prioritized replay of the peers on the workload of `offpolicy replay bench --prioritized`.

1,000,000 transitions (observation 17, action 6, reward, next observation, done), batches of 256,
α 0.6, β 0.4, one thread. For each peer: sampling alone, and sampling plus one priority update of the
batch's rows with random |δ| in [0, 2) per batch. Each figure is the median of three rounds; prints
transitions/s (and one JSON object per peer with --json).

Peers (each skipped with a sentence when it cannot be imported):
  cpprb        cpprb.PrioritizedReplayBuffer (C++ segment trees, numpy arrays in memory)
  torchrl      torchrl.data.TensorDictPrioritizedReplayBuffer over LazyTensorStorage (C++ segment trees)
  torchrl-sampler  torchrl's PrioritizedSampler alone: indices and weights, no transition gathered

Run inside a venv that has them, e.g. /work/venvs/per:
  /work/venvs/per/bin/python scripts/bench-per-peers.py --batches 2000
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

# One thread everywhere, before numpy or torch load their thread pools.
for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(variable, "1")

import numpy as np  # noqa: E402

OBSERVATION, ACTION, BATCH, ALPHA, BETA = 17, 6, 256, 0.6, 0.4


def transitions(count, rng):
    return {
        "obs": rng.standard_normal((count, OBSERVATION), dtype=np.float32),
        "act": rng.uniform(-1, 1, (count, ACTION)).astype(np.float32),
        "rew": rng.standard_normal((count, 1), dtype=np.float32),
        "next_obs": rng.standard_normal((count, OBSERVATION), dtype=np.float32),
        "done": (rng.uniform(size=(count, 1)) < 0.001).astype(np.float32),
    }


def rounds(step, batches, rounds_count=3):
    """Median transitions/s of `rounds_count` rounds of `batches` calls of `step` (after a short warm-up)."""
    for _ in range(min(50, batches)):
        step()
    rates = []
    for _ in range(rounds_count):
        start = time.perf_counter()
        for _ in range(batches):
            step()
        rates.append(batches * BATCH / (time.perf_counter() - start))
    return statistics.median(rates), rates


def bench_cpprb(data, size, batches, rng):
    import cpprb
    buffer = cpprb.PrioritizedReplayBuffer(
        size,
        {"obs": {"shape": OBSERVATION}, "act": {"shape": ACTION}, "rew": {}, "next_obs": {"shape": OBSERVATION}, "done": {}},
        alpha=ALPHA,
    )
    fill = time.perf_counter()
    for start in range(0, size, 100_000):
        buffer.add(**{key: value[start:start + 100_000] for key, value in data.items()})
    fill = time.perf_counter() - fill

    def sample():
        buffer.sample(BATCH, beta=BETA)

    def sample_and_update():
        batch = buffer.sample(BATCH, beta=BETA)
        buffer.update_priorities(batch["indexes"], rng.uniform(0, 2, BATCH))

    return {"peer": "cpprb", "version": cpprb.__version__ if hasattr(cpprb, "__version__") else package_version("cpprb"),
            "fill_seconds": fill, "sample": rounds(sample, batches), "sample_update": rounds(sample_and_update, batches)}


def bench_torchrl(data, size, batches, rng):
    import torch
    import torchrl
    from tensordict import TensorDict
    from torchrl.data import LazyTensorStorage, TensorDictPrioritizedReplayBuffer
    torch.set_num_threads(1)
    torch.manual_seed(0)
    buffer = TensorDictPrioritizedReplayBuffer(
        alpha=ALPHA, beta=BETA, storage=LazyTensorStorage(size), batch_size=BATCH, priority_key="td_error")
    fill = time.perf_counter()
    for start in range(0, size, 100_000):
        chunk = {key: torch.from_numpy(value[start:start + 100_000]) for key, value in data.items()}
        buffer.extend(TensorDict(chunk, batch_size=[len(chunk["obs"])]))
    fill = time.perf_counter() - fill

    def sample():
        buffer.sample()

    def sample_and_update():
        batch = buffer.sample()
        buffer.update_priority(batch["index"], torch.from_numpy(rng.uniform(0, 2, BATCH).astype(np.float32)))

    return {"peer": "torchrl", "version": torchrl.__version__, "torch": torch.__version__,
            "fill_seconds": fill, "sample": rounds(sample, batches), "sample_update": rounds(sample_and_update, batches)}


def bench_torchrl_sampler(size, batches, rng):
    import torch
    import torchrl
    from torchrl.data import LazyTensorStorage, PrioritizedSampler
    torch.set_num_threads(1)
    storage = LazyTensorStorage(size)
    storage.set(torch.arange(size), torch.zeros(size, 1))
    sampler = PrioritizedSampler(max_capacity=size, alpha=ALPHA, beta=BETA)
    sampler.mark_update(torch.arange(size), storage=storage)  # every item at the default priority, as a buffer's write does

    def sample():
        sampler.sample(storage, BATCH)

    def sample_and_update():
        index, _ = sampler.sample(storage, BATCH)
        sampler.update_priority(index, torch.from_numpy(rng.uniform(0, 2, BATCH).astype(np.float32)))

    return {"peer": "torchrl-sampler", "version": torchrl.__version__, "torch": torch.__version__,
            "sample": rounds(sample, batches), "sample_update": rounds(sample_and_update, batches)}


def package_version(name):
    from importlib.metadata import version
    return version(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transitions", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=2_000, help="batches of 256 per round (three rounds)")
    parser.add_argument("--peers", default="cpprb,torchrl,torchrl-sampler")
    parser.add_argument("--json", action="store_true", help="also print one JSON object per peer")
    arguments = parser.parse_args()
    rng = np.random.default_rng(0)
    data = transitions(arguments.transitions, rng)
    print(f"# {arguments.transitions} transitions (obs {OBSERVATION}, act {ACTION}), batch {BATCH}, α {ALPHA}, β {BETA}, "
          f"one thread; python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}", flush=True)
    runners = {
        "cpprb": lambda: bench_cpprb(data, arguments.transitions, arguments.batches, rng),
        "torchrl": lambda: bench_torchrl(data, arguments.transitions, arguments.batches, rng),
        "torchrl-sampler": lambda: bench_torchrl_sampler(arguments.transitions, arguments.batches, rng),
    }
    for name in arguments.peers.split(","):
        try:
            result = runners[name]()
        except ImportError as error:
            print(f"{name}: skipped, it cannot be imported here ({error})", flush=True)
            continue
        version = result["version"] + (f" (torch {result['torch']})" if "torch" in result else "")
        print(f"{name:16s} {version}", flush=True)
        print(f"  sample          {result['sample'][0]:12.0f} transitions/s   rounds {', '.join(f'{r:.0f}' for r in result['sample'][1])}")
        print(f"  sample + update {result['sample_update'][0]:12.0f} transitions/s   rounds {', '.join(f'{r:.0f}' for r in result['sample_update'][1])}",
              flush=True)
        if arguments.json:
            print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
