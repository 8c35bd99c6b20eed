# Stable-Baselines3 PPO with RL Zoo's Pendulum-v1 entry (use_sde=True, sde_sample_freq=4).
# Prints "env_steps,eval_return_mean" after every rollout's update (10 deterministic episodes) and at the end,
# the convention of `offpolicy train ppo --eval-every 4096`.
import sys
import gymnasium as gym
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.callbacks import BaseCallback
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy

torch.set_num_threads(1)
seed = int(sys.argv[1])
total = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
use_sde = (sys.argv[3] != "nosde") if len(sys.argv) > 3 else True
train_env = make_vec_env("Pendulum-v1", n_envs=4, seed=seed)
test_env = gym.make("Pendulum-v1")

class AfterEachUpdate(BaseCallback):
    def report(self):
        test_env.reset(seed=seed + 7919)
        mean, _ = evaluate_policy(self.model, test_env, n_eval_episodes=10, deterministic=True)
        print(f"{self.num_timesteps},{mean:.1f}", flush=True)
    def _on_rollout_start(self):
        if self.num_timesteps > 0:
            self.report()
    def _on_training_end(self):
        self.report()
    def _on_step(self):
        return True

model = PPO("MlpPolicy", train_env, n_steps=1024, gae_lambda=0.95, gamma=0.9, n_epochs=10, ent_coef=0.0,
            learning_rate=1e-3, clip_range=0.2, use_sde=use_sde, sde_sample_freq=4, seed=seed, device="cpu")
model.learn(total, callback=AfterEachUpdate())
