#!/usr/bin/env python3
"""Updates per CPU-second of IQL, CQL and TD3+BC, ours and d3rlpy 2.8.1's, one thread each (or, with
--threads T above 1, updates per wall-clock second with T threads each: ours `--threads T`, torch's T threads).

Ours: `offpolicy bench update --algo A --threads 1 --observation-size O --action-size K --json`, whose update
time is measured on the thread's CPU clock (sampling from the store included); the rate is
achieved GFLOP/s ÷ GFLOP per update, plus sampling. d3rlpy: `fit` for --updates updates on the same widths
(a D4RL file, by default datasets/halfcheetah-medium.hdf5: 17 and 6) with torch on one thread, timed by the
process's CPU clock (time.process_time), so time other processes take from it is left out on a busy
machine. Both use each library's defaults (256-256 networks; batch 256 for all three in both; CQL with 10
sampled actions). The two run in turn, --rounds times; the table gives each round's rates and the ratios.

  python scripts/bench-offline-speed.py --binary .build/release/offpolicy [--rounds 3] [--updates 300] [--threads 1]
Run it with any Python 3; d3rlpy runs in its venv (--d3rlpy-python).
"""
import argparse, json, os, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

D3RLPY = r'''
import json, sys, time
import h5py, numpy as np, torch, d3rlpy
algo, path, steps, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
d3rlpy.seed(0)
with h5py.File(path, "r") as f:
    dataset = d3rlpy.dataset.MDPDataset(
        observations=f["observations"][:], actions=f["actions"][:], rewards=f["rewards"][:],
        terminals=f["terminals"][:].astype(np.float32), timeouts=f["timeouts"][:].astype(np.float32))
config = {"iql": d3rlpy.algos.IQLConfig, "cql": d3rlpy.algos.CQLConfig, "td3bc": d3rlpy.algos.TD3PlusBCConfig}[algo]()
learner = config.create(device="cpu:0")
learner.build_with_dataset(dataset)
# A short warm-up, then the timed updates.
learner.fit(dataset, n_steps=20, n_steps_per_epoch=20, show_progress=False, logger_adapter=d3rlpy.logging.NoopAdapterFactory())
cpu, wall = time.process_time(), time.perf_counter()
learner.fit(dataset, n_steps=steps, n_steps_per_epoch=steps, show_progress=False, logger_adapter=d3rlpy.logging.NoopAdapterFactory())
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
print(json.dumps({"updates_per_cpu_s": steps / cpu, "updates_per_s": steps / wall}))
'''


def ours(binary, algo, observation, action, threads):
    out = subprocess.run([binary, "bench", "update", "--algo", algo, "--threads", str(threads), "--observation-size", str(observation),
                          "--action-size", str(action), "--rounds", "3", "--seconds", "2", "--json"],
                         capture_output=True, text=True, check=True).stdout
    line = json.loads(out.strip().splitlines()[-1])
    if threads > 1:
        return line["updates_per_s"]  # wall clock: the threads' CPU time is not the update's time
    update = line["gflops_per_update"] / line["achieved_gflops"]
    return 1 / (update * (1 + line["sample_fraction_of_update_time"]))


def d3rlpy(python, algo, dataset, updates, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    out = subprocess.run([python, "-c", D3RLPY, algo, dataset, str(updates), str(threads)], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"bench-offline-speed: d3rlpy's {algo} failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}")
    line = json.loads(out.stdout.strip().splitlines()[-1])
    return line["updates_per_s"] if threads > 1 else line["updates_per_cpu_s"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=str(ROOT / ".build/release/offpolicy"))
    parser.add_argument("--d3rlpy-python", default=os.environ.get("D3RLPY_PYTHON", "/work/venvs/d3rlpy/bin/python"))
    parser.add_argument("--dataset", default=str(ROOT / "datasets/halfcheetah-medium.hdf5"))
    parser.add_argument("--algos", default="iql,cql,td3bc")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--updates", type=int, default=300, help="d3rlpy's timed updates per round")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads of each side; above 1 the rates are per wall-clock second (give the machine to the benchmark)")
    args = parser.parse_args()
    if not 1 <= args.threads <= 256:
        sys.exit(f"bench-offline-speed: --threads must be from 1 to 256, got {args.threads}")
    import h5py  # noqa: only for the widths
    with h5py.File(args.dataset, "r") as f:
        observation, action = f["observations"].shape[1], f["actions"].shape[1]
    clock = "CPU-second, one thread" if args.threads == 1 else f"wall-clock second, {args.threads} threads each"
    print(f"updates per {clock}, observation {observation}, action {action}")
    print(f"{'algo':6} {'round':>5} {'ours':>9} {'d3rlpy':>9} {'ratio':>6}")
    table = []
    for algo in args.algos.split(","):
        for round in range(1, args.rounds + 1):
            a = ours(args.binary, algo, observation, action, args.threads)
            b = d3rlpy(args.d3rlpy_python, algo, args.dataset, args.updates, args.threads)
            table.append({"algo": algo, "round": round, "ours": a, "d3rlpy": b, "ratio": a / b})
            print(f"{algo:6} {round:5d} {a:9.1f} {b:9.1f} {a / b:6.2f}", flush=True)
    print(json.dumps(table))


if __name__ == "__main__":
    main()
