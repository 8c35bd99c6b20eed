# SB3 A2C (its defaults: n_steps 5, lr 7e-4, gamma 0.99, gae_lambda 1, RMSprop) on Pendulum-v1 with 4 envs,
# evaluated every 4096 env steps (10 deterministic episodes); for comparison with `offpolicy train a2c`.
import sys, torch
torch.set_num_threads(1)
from stable_baselines3 import A2C
from stable_baselines3.common.env_util import make_vec_env
from stable_baselines3.common.evaluation import evaluate_policy
from stable_baselines3.common.callbacks import BaseCallback
import gymnasium as gym

seed = int(sys.argv[1]); steps = int(sys.argv[2]) if len(sys.argv) > 2 else 60000
env = make_vec_env("Pendulum-v1", n_envs=4, seed=seed)
eval_env = gym.make("Pendulum-v1")
class Eval(BaseCallback):
    def __init__(self): super().__init__(); self.next = 4096
    def evaluate(self):
        eval_env.reset(seed=seed + 1000003)
        mean, std = evaluate_policy(self.model, eval_env, n_eval_episodes=10, deterministic=True)
        print(f"{self.num_timesteps},{mean:.1f}", flush=True)
    def _on_rollout_start(self):
        if self.num_timesteps >= self.next:
            self.next += 4096
            self.evaluate()
    def _on_training_end(self): self.evaluate()
    def _on_step(self): return True
model = A2C("MlpPolicy", env, seed=seed, device="cpu")
model.learn(steps, callback=Eval())
