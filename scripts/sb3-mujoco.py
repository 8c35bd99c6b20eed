"""Stable-Baselines3 SAC or TD3 with SB3's defaults on a Gymnasium task, written as an `offpolicy train` run
directory, so that `offpolicy plot` (chart and --summary) reads it beside our own runs.

Usage: python sb3-mujoco.py ALGO ENV_ID STEPS SEED RUN_DIR [EVAL_EVERY=5000] [EPISODES=5]
  ALGO      sac or td3 (SB3's defaults: MlpPolicy, device cpu, one torch thread)
  ENV_ID    a Gymnasium id, e.g. HalfCheetah-v5

Writes RUN_DIR/config.json (environment "gym:ENV_ID", steps, seed, learner.algorithm "sb3-ALGO", and
SB3's settings and versions), RUN_DIR/progress.csv (offpolicy's header, one row per evaluation) and
RUN_DIR/sb3-run.json (this script's marker: its arguments and whether the run finished).

Evaluation as `offpolicy train` evaluates (Sources/Training/Evaluation.swift): whenever the env-step count
crosses a multiple of EVAL_EVERY, and at the end; EPISODES episodes with deterministic actions on an
evaluation environment of its own, reset with seed SEED + 1_000_003 at the start of every evaluation (so
every evaluation starts from the same states), unseeded between its episodes. `steps_per_s` is env steps
since the previous row over the wall time since then (the previous evaluation included, as ours).

RUN_DIR must be new or empty. An unfinished RUN_DIR this script made (its marker, the same arguments) is
started again from scratch (SB3 keeps no checkpoint here): only the files this script writes are replaced.
A finished one is refused (exit status 3), as is any other existing folder or one another process is
running in (exit status 2).
"""
import fcntl
import json
import math
import os
import sys
import time

MARKER = "sb3-run.json"
OWN_FILES = ("config.json", "progress.csv")
HEADER = "env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std,steps_per_s"


def refuse(message, status=2):
    print(f"sb3-mujoco: {message}", file=sys.stderr)
    sys.exit(status)


def parse_arguments(argv):
    if len(argv) not in range(6, 9):
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    algo, env_id, run_dir = argv[1], argv[2], argv[5]
    try:
        steps, seed = int(argv[3]), int(argv[4])
        eval_every = int(argv[6]) if len(argv) > 6 else 5000
        episodes = int(argv[7]) if len(argv) > 7 else 5
    except ValueError as error:
        refuse(f"STEPS, SEED, EVAL_EVERY and EPISODES are integers ({error})", 64)
    if algo not in ("sac", "td3"):
        refuse(f"ALGO is sac or td3, not '{algo}'", 64)
    if steps < 1 or seed < 0 or eval_every < 1 or episodes < 1:
        refuse("STEPS, EVAL_EVERY and EPISODES must be positive, SEED not negative", 64)
    return dict(algo=algo, env_id=env_id, steps=steps, seed=seed, eval_every=eval_every, episodes=episodes), run_dir


def claim(run_dir, arguments):
    """Creates or reclaims RUN_DIR; returns the open marker file, locked for the whole run."""
    os.makedirs(run_dir, exist_ok=True)
    marker_path = os.path.join(run_dir, MARKER)
    entries = set(os.listdir(run_dir))
    if MARKER not in entries:
        if entries:
            refuse(f"{run_dir} exists and was not made by this script (no {MARKER}); give a new or empty folder")
        marker = open(marker_path, "x+")
    else:
        marker = open(marker_path, "r+")
    try:
        fcntl.flock(marker, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        refuse(f"another process is running in {run_dir}")
    text = marker.read()
    if text:
        try:
            previous = json.loads(text)
        except json.JSONDecodeError:
            refuse(f"{marker_path} is not this script's marker")
        if previous.get("arguments") != arguments:
            refuse(f"{run_dir} holds a run with other arguments ({previous.get('arguments')})")
        if previous.get("finished"):
            refuse(f"{run_dir} holds a finished run; give a new folder", 3)
        # Unfinished, and ours: start again, replacing only what this script writes.
        for name in OWN_FILES:
            path = os.path.join(run_dir, name)
            if os.path.lexists(path):
                os.remove(path)
    write_marker(marker, arguments, finished=False)
    return marker


def write_marker(marker, arguments, finished):
    marker.seek(0)
    marker.truncate()
    marker.write(json.dumps({"arguments": arguments, "finished": finished}, indent=2) + "\n")
    marker.flush()
    os.fsync(marker.fileno())


def number(value):
    """offpolicy's form: shortest round trip, `nan` for NaN."""
    return "nan" if math.isnan(value) else repr(float(value))


def main():
    arguments, run_dir = parse_arguments(sys.argv)
    marker = claim(run_dir, arguments)

    import numpy as np
    import torch
    import gymnasium as gym
    import stable_baselines3
    from stable_baselines3 import SAC, TD3
    from stable_baselines3.common.callbacks import BaseCallback

    torch.set_num_threads(1)  # one core, as offpolicy's learner uses
    algo, env_id, steps, seed = arguments["algo"], arguments["env_id"], arguments["steps"], arguments["seed"]
    eval_every, episodes = arguments["eval_every"], arguments["episodes"]
    eval_seed = seed + 1_000_003  # Evaluation.environmentSeed(forRunSeed:)

    model = (SAC if algo == "sac" else TD3)("MlpPolicy", gym.make(env_id), seed=seed, verbose=0, device="cpu")
    settings = {name: repr(getattr(model, name, None)) for name in (
        "learning_rate", "buffer_size", "learning_starts", "batch_size", "tau", "gamma", "train_freq",
        "gradient_steps", "action_noise", "policy_kwargs", "ent_coef", "target_update_interval", "target_entropy",
        "policy_delay", "target_policy_noise", "target_noise_clip") if hasattr(model, name)}
    settings["net_arch"] = repr(model.policy.net_args.get("net_arch") if hasattr(model.policy, "net_args") else None)
    config = {
        "environment": f"gym:{env_id}",
        "steps": steps,
        "seed": seed,
        "evaluationInterval": eval_every,
        "evaluationEpisodes": episodes,
        "learner": {"algorithm": f"sb3-{algo}", "settings": settings},
        "versions": {"stable_baselines3": stable_baselines3.__version__, "torch": torch.__version__,
                     "gymnasium": gym.__version__, "numpy": np.__version__},
        "torchThreads": torch.get_num_threads(),
    }
    with open(os.path.join(run_dir, "config.json"), "x") as file:
        file.write(json.dumps(config, indent=2) + "\n")
    progress = open(os.path.join(run_dir, "progress.csv"), "x")
    progress.write(HEADER + "\n")
    progress.flush()

    eval_env = gym.make(env_id)

    def evaluate():
        returns = []
        observation, _ = eval_env.reset(seed=eval_seed)
        for _ in range(episodes):
            total, done = 0.0, False
            while not done:
                action, _ = model.predict(observation, deterministic=True)
                observation, reward, terminated, truncated, _ = eval_env.step(action)
                total += float(reward)
                done = terminated or truncated
            returns.append(total)
            observation, _ = eval_env.reset()
        return float(np.mean(returns)), float(np.std(returns))  # population std, as EvaluationResult

    row_start = [time.perf_counter(), 0]
    last_row = [0]

    def record():
        now, done_steps = time.perf_counter(), model.num_timesteps
        seconds = now - row_start[0]
        rate = (done_steps - row_start[1]) / seconds if seconds > 0 else 0.0
        mean, std = evaluate()
        recent = [info["r"] for info in list(model.ep_info_buffer or [])[-10:]]
        train_return = float(np.mean(recent)) if recent else math.nan
        progress.write(f"{done_steps},{model._episode_num},{model._n_updates},{number(train_return)},"
                       f"{number(mean)},{number(std)},{rate:.1f}\n")
        progress.flush()
        row_start[0], row_start[1] = now, done_steps
        last_row[0] = done_steps
        print(f"sb3-{algo} {env_id} seed {seed}: {done_steps} steps, eval {mean:.1f} ± {std:.1f}, {rate:.1f} steps/s",
              flush=True)

    class Evaluate(BaseCallback):
        def _on_step(self):
            if self.num_timesteps % eval_every == 0:
                record()
            return True

    model.learn(total_timesteps=steps, callback=Evaluate())
    if last_row[0] != model.num_timesteps:
        record()  # at the end, as offpolicy evaluates at the end of a run
    os.fsync(progress.fileno())
    progress.close()
    write_marker(marker, arguments, finished=True)


if __name__ == "__main__":
    main()
