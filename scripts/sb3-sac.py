"""Stable-Baselines3 SAC with its defaults on a Gymnasium task, evaluated as `offpolicy train` evaluates:
every EVAL_EVERY env steps, EPISODES deterministic episodes on a separate environment. Prints one line per
evaluation (env steps, return mean and std, wall seconds so far, env-steps/s so far) and a total.
Usage: python sb3-sac.py ENV_ID STEPS SEED [EVAL_EVERY] [EPISODES]
torch runs on one thread, as offpolicy's learner did before --threads; SB3_TORCH_THREADS=N sets N, and
SB3_TORCH_THREADS=default leaves torch's own choice (one thread per core). SB3_NET_ARCH=64,64 sets the hidden
layers of actor and critics (default: SB3's 256,256). SB3_N_ENVS=N acts in N copies (n_envs, in SB3's default
DummyVecEnv, one after the other; one gradient step per vectorised step, SB3's default)."""
import sys, time
import numpy as np
import torch
import gymnasium as gym
from stable_baselines3 import SAC
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.evaluation import evaluate_policy

env_id, steps, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
eval_every = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
episodes = int(sys.argv[5]) if len(sys.argv) > 5 else 5
import os
threads = os.environ.get("SB3_TORCH_THREADS", "1")
if threads != "default":
    torch.set_num_threads(int(threads))


class Evaluate(BaseCallback):
    def __init__(self):
        super().__init__()
        self.eval_env = gym.make(env_id)
        self.eval_env.reset(seed=seed + 1_000_003)
        self.began = time.perf_counter()

    def _on_step(self):
        if self.num_timesteps % eval_every == 0:
            mean, std = evaluate_policy(self.model, self.eval_env, n_eval_episodes=episodes, deterministic=True)
            elapsed = time.perf_counter() - self.began
            print(f"{self.num_timesteps},{mean:.2f},{std:.2f},{elapsed:.1f},{self.num_timesteps / elapsed:.1f}", flush=True)
        return True


print(f"sb3 SAC {env_id} steps {steps} seed {seed} torch {torch.__version__} threads {torch.get_num_threads()}")
print("env_steps,eval_return_mean,eval_return_std,wall_s,env_steps_per_s")
n_envs = int(os.environ.get("SB3_N_ENVS", "1"))
if n_envs == 1:
    train_env = gym.make(env_id)
else:
    from stable_baselines3.common.env_util import make_vec_env
    train_env = make_vec_env(env_id, n_envs=n_envs, seed=seed)
policy_kwargs = {}
if os.environ.get("SB3_NET_ARCH"):
    policy_kwargs["net_arch"] = [int(width) for width in os.environ["SB3_NET_ARCH"].split(",")]
print(f"n_envs {n_envs} net_arch {policy_kwargs.get('net_arch', 'default')}")
model = SAC("MlpPolicy", train_env, seed=seed, verbose=0, device="cpu", policy_kwargs=policy_kwargs)
began = time.perf_counter()
model.learn(total_timesteps=steps, callback=Evaluate())
total = time.perf_counter() - began
print(f"total {total:.1f} s, {steps / total:.1f} env-steps/s (evaluations included)")
