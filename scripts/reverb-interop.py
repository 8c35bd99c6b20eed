"""Reverb's own Python client (dm-reverb 0.14) on the transition layout of docs/reverb.md, for the Swift client's
interop tests: one side writes, the other reads, and the values are compared bit for bit.

  reverb-interop.py read  HOST:PORT TABLE COUNT
      samples COUNT items and prints them as JSON: per item its key, probability, table size and the seven
      columns, floats as their 32-bit patterns, bools as 0/1.
  reverb-interop.py write HOST:PORT TABLE COUNT OBSERVATION_SIZE ACTION_SIZE SEED
      inserts COUNT transitions made from numpy's generator with SEED through a trajectory writer (one item per
      step, each column a one-step squeezed slice), and prints what it inserted in the same JSON form.
"""
import json
import sys

import numpy as np
import reverb

COLUMNS = ("action", "behavior_log_probability", "next_observation", "observation", "reward", "terminated", "truncated")


def encode(value):
    array = np.asarray(value)
    if array.dtype == np.bool_:
        return array.astype(np.uint8).reshape(-1).tolist()
    return array.astype(np.float32).view(np.uint32).reshape(-1).tolist()


def read(address, table, count):
    client = reverb.Client(address)
    items = []
    for sample in client.sample(table, num_samples=count, emit_timesteps=False):
        data = sample.data
        if isinstance(data, dict):
            data = [data[name] for name in COLUMNS]
        items.append({"key": int(sample.info.key), "probability": float(sample.info.probability),
                      "table_size": int(sample.info.table_size),
                      "columns": {name: encode(value) for name, value in zip(COLUMNS, data)}})
    print(json.dumps(items))


def write(address, table, count, observation_size, action_size, seed):
    client = reverb.Client(address)
    generator = np.random.default_rng(seed)
    items = []
    with client.trajectory_writer(num_keep_alive_refs=1) as writer:
        for step in range(count):
            last = step % 5 == 4
            transition = {
                "observation": generator.standard_normal(observation_size).astype(np.float32),
                "action": generator.uniform(-1, 1, action_size).astype(np.float32),
                "reward": np.float32(generator.standard_normal()),
                "next_observation": generator.standard_normal(observation_size).astype(np.float32),
                "terminated": np.bool_(last and step % 2 == 0),
                "truncated": np.bool_(last and step % 2 == 1),
                "behavior_log_probability": np.float32(np.nan if step % 7 == 3 else generator.standard_normal()),
            }
            writer.append(transition)
            writer.create_item(table, 1.0 + step, {name: writer.history[name][-1] for name in COLUMNS})
            if last:
                writer.end_episode()
            items.append({"columns": {name: encode(transition[name]) for name in COLUMNS}})
        writer.flush()
    print(json.dumps(items))


def main():
    command, arguments = sys.argv[1], sys.argv[2:]
    if command == "read":
        read(arguments[0], arguments[1], int(arguments[2]))
    elif command == "write":
        write(arguments[0], arguments[1], *map(int, arguments[2:6]))
    else:
        raise SystemExit(f"reverb-interop.py: unknown command '{command}' (read or write)")


if __name__ == "__main__":
    main()
