#!/usr/bin/env python3
"""IQL, CQL and TD3+BC, ours and d3rlpy 2.8.1's, side by side on the same D4RL files.

Every (dataset, algorithm, seed) trains once with each library for the same number of updates, on one
thread. Both policies are then evaluated by this script with the same code, on the same initial states:
Gymnasium's environment reset with --eval-seed, then reset without a seed between episodes. Ours is read
from its policy.safetensors (Tests/LearnersTests/Fixtures/policy_numpy.py), d3rlpy's from the TorchScript
file its save_policy writes, which holds its scalers.

Scores are normalised, 100·(R − R_random)/(R_expert − R_random): MuJoCo tasks with D4RL's reference
returns, Pendulum with the mean returns of datasets/pendulum-random.hdf5 and pendulum-expert.hdf5. The
table gives, per dataset and algorithm, our mean score with its 95% bootstrap interval over seeds, d3rlpy's,
where ours lies against d3rlpy's interval, and the updates per second of training (median over seeds).

Run it with a Python that has torch, gymnasium[mujoco]==1.4.0, numpy and safetensors (the SB3 venv);
d3rlpy trains in its own venv (--d3rlpy-python). Finished runs are kept in --out and not run again.

  python scripts/bench-offline-vs-d3rlpy.py --out /work/measure/offline --datasets /work/measure/mujoco-datasets/out
"""
import argparse, concurrent.futures, csv, json, os, random, statistics, subprocess, sys, time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests/LearnersTests/Fixtures"))
from policy_numpy import load_policy  # noqa: E402

# D4RL's reference returns (d4rl/infos.py, REF_MIN_SCORE and REF_MAX_SCORE).
D4RL_REFERENCE = {"halfcheetah": (-280.178953, 12135.0), "hopper": (-20.272305, 3234.3),
                  "walker2d": (1.629008, 4592.3)}
ENVIRONMENTS = {"pendulum": "Pendulum-v1", "halfcheetah": "HalfCheetah-v5", "hopper": "Hopper-v5",
                "walker2d": "Walker2d-v5"}
ALGORITHMS = ("iql", "cql", "td3bc")

D3RLPY_TRAINER = r'''
import json, sys, time
import h5py, numpy as np, torch, d3rlpy
torch.set_num_threads(1)
algo, path, steps, seed, out, low, high = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], json.loads(sys.argv[6]), json.loads(sys.argv[7])
d3rlpy.seed(seed)
with h5py.File(path, "r") as f:
    dataset = d3rlpy.dataset.MDPDataset(
        observations=f["observations"][:], actions=f["actions"][:], rewards=f["rewards"][:],
        terminals=f["terminals"][:].astype(np.float32), timeouts=f["timeouts"][:].astype(np.float32))
# Actions scaled from the environment's box to [-1, 1], as ours are.
actions = d3rlpy.preprocessing.MinMaxActionScaler(minimum=np.array(low), maximum=np.array(high))
if algo == "iql":
    config = d3rlpy.algos.IQLConfig(action_scaler=actions)
elif algo == "cql":
    config = d3rlpy.algos.CQLConfig(action_scaler=actions)
else:
    config = d3rlpy.algos.TD3PlusBCConfig(action_scaler=actions,
                                          observation_scaler=d3rlpy.preprocessing.StandardObservationScaler())
learner = config.create(device="cpu:0")
learner.build_with_dataset(dataset)
start = time.perf_counter()
learner.fit(dataset, n_steps=steps, n_steps_per_epoch=steps, show_progress=False,
            logger_adapter=d3rlpy.logging.NoopAdapterFactory())
elapsed = time.perf_counter() - start
learner.save_policy(out + "/policy.pt")
print(json.dumps({"updates_per_s": steps / elapsed}))
'''


def task_of(dataset):
    return Path(dataset).name.split("-")[0]


def action_box(task):
    import gymnasium
    env = gymnasium.make(ENVIRONMENTS[task])
    low, high = env.action_space.low.tolist(), env.action_space.high.tolist()
    env.close()
    return low, high


def train_ours(binary, dataset, algo, seed, updates, folder):
    subprocess.run([binary, "train", algo, "--dataset", dataset, "--steps", str(updates), "--seed", str(seed),
                    "--eval-every", str(updates), "--eval-episodes", "1", "--threads", "1", "--quiet",
                    "--run-dir", str(folder)], check=True, stdout=subprocess.DEVNULL)
    with open(folder / "progress.csv") as f:
        last = list(csv.DictReader(f))[-1]
    return float(last["steps_per_s"])


def train_theirs(python, dataset, algo, seed, updates, folder, box):
    folder.mkdir(parents=True, exist_ok=True)
    environment = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run([python, "-c", D3RLPY_TRAINER, algo, dataset, str(updates), str(seed), str(folder),
                             json.dumps(box[0]), json.dumps(box[1])],
                            check=True, capture_output=True, text=True, env=environment)
    return json.loads(result.stdout.strip().splitlines()[-1])["updates_per_s"]


def evaluate(policy, task, episodes, seed):
    """Mean return of `policy` (observation -> action) over `episodes`, reset with `seed` first."""
    import gymnasium
    env = gymnasium.make(ENVIRONMENTS[task])
    returns = []
    observation, _ = env.reset(seed=seed)
    for _ in range(episodes):
        total, over = 0.0, False
        while not over:
            observation, reward, terminated, truncated, _ = env.step(policy(observation))
            total += float(reward)
            over = terminated or truncated
        returns.append(total)
        observation, _ = env.reset()
    env.close()
    return statistics.fmean(returns)


def ours_policy(folder):
    act = load_policy(str(folder / "policy.safetensors"))
    return lambda observation: np.asarray(act(observation), dtype=np.float32)


def theirs_policy(folder):
    import torch
    torch.set_num_threads(1)
    module = torch.jit.load(str(folder / "policy.pt"))
    def act(observation):
        with torch.no_grad():
            return module(torch.as_tensor(observation, dtype=torch.float32).unsqueeze(0))[0].numpy()
    return act


def dataset_mean_return(path):
    import h5py
    with h5py.File(path, "r") as f:
        rewards, ends = f["rewards"][:], np.logical_or(f["terminals"][:], f["timeouts"][:])
    returns, total = [], 0.0
    for reward, end in zip(rewards, ends):
        total += float(reward)
        if end:
            returns.append(total)
            total = 0.0
    return statistics.fmean(returns)


def reference(task, datasets):
    if task in D4RL_REFERENCE:
        low, high = D4RL_REFERENCE[task]
        return low, high, f"D4RL's {task} reference returns ({low:g}, {high:g})"
    low = dataset_mean_return(datasets / f"{task}-random.hdf5")
    high = dataset_mean_return(datasets / f"{task}-expert.hdf5")
    return low, high, f"the mean returns of {task}-random.hdf5 ({low:.1f}) and {task}-expert.hdf5 ({high:.1f})"


def bootstrap_interval(values, resamples=10000, seed=0):
    generator = random.Random(seed)
    means = sorted(statistics.fmean(generator.choices(values, k=len(values))) for _ in range(resamples))
    return means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]


def run_one(job):
    args, library, dataset, algo, seed, updates, folder, box = job
    record = folder / "result.json"
    if record.exists():
        return json.loads(record.read_text())
    if folder.exists():
        subprocess.run(["rm", "-rf", str(folder)], check=True)
    task = task_of(dataset)
    if library == "ours":
        speed = train_ours(args.binary, str(dataset), algo, seed, updates, folder)
        policy = ours_policy(folder)
    else:
        speed = train_theirs(args.d3rlpy_python, str(dataset), algo, seed, updates, folder, box)
        policy = theirs_policy(folder)
    result = {"library": library, "dataset": dataset.stem, "algo": algo, "seed": seed, "updates": updates,
              "updates_per_s": speed, "return": evaluate(policy, task, args.eval_episodes, args.eval_seed)}
    record.write_text(json.dumps(result) + "\n")
    print(f"{library:6} {dataset.stem:22} {algo:6} seed {seed}: return {result['return']:9.1f}, "
          f"{speed:7.1f} updates/s", flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path, help="folder of the runs and results (kept; finished runs are not run again)")
    parser.add_argument("--datasets", type=Path, default=ROOT / "datasets", help="folder of the D4RL files (default: datasets/)")
    parser.add_argument("--sets", default="pendulum-medium,halfcheetah-medium,hopper-medium-replay",
                        help="dataset names in --datasets, comma-separated")
    parser.add_argument("--algos", default=",".join(ALGORITHMS))
    parser.add_argument("--updates", default="iql=5000,cql=1000,td3bc=5000", help="updates per algorithm, ALGO=N,...")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time, each on one thread")
    parser.add_argument("--eval-episodes", type=int, default=10)
    parser.add_argument("--eval-seed", type=int, default=1000)
    parser.add_argument("--binary", default=None, help="the offpolicy binary (default: swift build -c release)")
    parser.add_argument("--d3rlpy-python", default=os.environ.get("D3RLPY_PYTHON", "/work/venvs/d3rlpy/bin/python"))
    args = parser.parse_args()
    if args.binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--product", "offpolicy"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
        args.binary = os.path.join(path, "offpolicy")
    updates = {name: int(count) for name, count in (item.split("=") for item in args.updates.split(","))}
    sets = [args.datasets / f"{name}.hdf5" for name in args.sets.split(",")]
    for path in sets:
        if not path.exists():
            sys.exit(f"bench-offline-vs-d3rlpy: no dataset {path}")
    boxes = {task_of(path): action_box(task_of(path)) for path in sets}
    jobs = [(args, library, path, algo, seed, updates[algo],
             args.out / path.stem / algo / f"{library}-seed{seed}", boxes[task_of(path)])
            for path in sets for algo in args.algos.split(",") for seed in range(1, args.seeds + 1)
            for library in ("ours", "d3rlpy")]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(run_one, jobs))

    rows = []
    print(f"\nnormalised score: mean over {args.seeds} seeds [95% bootstrap interval]; "
          f"{args.eval_episodes} evaluation episodes from seed {args.eval_seed}")
    print(f"{'dataset':22} {'algo':6} {'updates':>7} {'ours':>22} {'d3rlpy':>22} {'verdict':>8} "
          f"{'ours/s':>8} {'d3rlpy/s':>8} {'ratio':>6}")
    for path in sets:
        low, high, named = reference(task_of(path), args.datasets)
        for algo in args.algos.split(","):
            score = {library: [100 * (r["return"] - low) / (high - low) for r in results
                               if r["library"] == library and r["dataset"] == path.stem and r["algo"] == algo]
                     for library in ("ours", "d3rlpy")}
            speed = {library: statistics.median(r["updates_per_s"] for r in results
                                                if r["library"] == library and r["dataset"] == path.stem and r["algo"] == algo)
                     for library in ("ours", "d3rlpy")}
            ours_mean, theirs_mean = statistics.fmean(score["ours"]), statistics.fmean(score["d3rlpy"])
            ours_interval, theirs_interval = bootstrap_interval(score["ours"]), bootstrap_interval(score["d3rlpy"])
            verdict = ("above" if ours_mean > theirs_interval[1] else
                       "below" if ours_mean < theirs_interval[0] else "inside")
            ratio = speed["ours"] / speed["d3rlpy"]
            print(f"{path.stem:22} {algo:6} {updates[algo]:7d} "
                  f"{ours_mean:6.1f} [{ours_interval[0]:6.1f},{ours_interval[1]:6.1f}] "
                  f"{theirs_mean:6.1f} [{theirs_interval[0]:6.1f},{theirs_interval[1]:6.1f}] {verdict:>8} "
                  f"{speed['ours']:8.1f} {speed['d3rlpy']:8.1f} {ratio:6.2f}")
            rows.append({"dataset": path.stem, "algo": algo, "updates": updates[algo], "reference": named,
                         "ours_scores": score["ours"], "d3rlpy_scores": score["d3rlpy"],
                         "ours_mean": ours_mean, "ours_interval": ours_interval,
                         "d3rlpy_mean": theirs_mean, "d3rlpy_interval": theirs_interval, "verdict": verdict,
                         "ours_updates_per_s": speed["ours"], "d3rlpy_updates_per_s": speed["d3rlpy"]})
        print(f"  ({path.stem}: scores against {named})")
    (args.out / "summary.json").write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
