"""Throughput of Reverb's own Python client (dm-reverb 0.14), the counterpart of the Swift client's reverb-bench.

  reverb-bench.py HOST:PORT TABLE OBSERVATION_SIZE ACTION_SIZE INSERTS SAMPLE_BATCH SAMPLE_CALLS

Inserts INSERTS transitions through a trajectory writer (one item per step, each column a one-step squeezed
slice, flushed at the end), then samples SAMPLE_CALLS batches of SAMPLE_BATCH through client.sample, and
batches of 1. Prints one JSON line with the same keys as reverb-bench.
"""
import json
import sys
import time

import numpy as np
import reverb

COLUMNS = ("action", "behavior_log_probability", "next_observation", "observation", "reward", "terminated", "truncated")


def main():
    address, table = sys.argv[1], sys.argv[2]
    observation_size, action_size, inserts, sample_batch, sample_calls = map(int, sys.argv[3:8])
    client = reverb.Client(address)
    steps = []
    for i in range(inserts):
        x = np.float32((i % 1000) / 1000)
        steps.append({
            "observation": np.full(observation_size, x, np.float32), "action": np.full(action_size, -x, np.float32),
            "reward": x, "next_observation": np.full(observation_size, x + np.float32(0.001), np.float32),
            "terminated": np.bool_(i % 200 == 199), "truncated": np.bool_(False), "behavior_log_probability": -x})
    start = time.perf_counter()
    with client.trajectory_writer(num_keep_alive_refs=1) as writer:
        for step in steps:
            writer.append(step)
            writer.create_item(table, 1.0, {name: writer.history[name][-1] for name in COLUMNS})
        writer.flush()
    insert_seconds = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(sample_calls):
        for _ in client.sample(table, num_samples=sample_batch, emit_timesteps=False):
            pass
    batch_seconds = time.perf_counter() - start
    single_calls = max(1, sample_calls * sample_batch // 64)
    start = time.perf_counter()
    for _ in range(single_calls):
        for _ in client.sample(table, num_samples=1, emit_timesteps=False):
            pass
    single_seconds = time.perf_counter() - start
    print(json.dumps({"inserts_per_second": inserts / insert_seconds,
                      "sampled_per_second_batch": sample_calls * sample_batch / batch_seconds,
                      "sampled_per_second_single": single_calls / single_seconds,
                      "sample_batch": sample_batch}, sort_keys=True))


if __name__ == "__main__":
    main()
